package dev.mandate.core.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.MandateException;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

final class FlowLabelsTest {
    @Provide
    Arbitrary<FlowLabels> labels() {
        Arbitrary<Category> category = Arbitraries.of("pii", "phi", "pci", "secret", "hr", "finance", "legal")
                .map(Category::new);
        return Combinators.combine(
                        Arbitraries.of(Sensitivity.class), category.set().ofMaxSize(5), Arbitraries.of(true, false))
                .as(FlowLabels::of);
    }

    @Property
    void joinIsCommutative(@ForAll("labels") FlowLabels a, @ForAll("labels") FlowLabels b) {
        assertThat(a.join(b)).isEqualTo(b.join(a));
    }

    @Property
    void joinIsAssociative(
            @ForAll("labels") FlowLabels a, @ForAll("labels") FlowLabels b, @ForAll("labels") FlowLabels c) {
        assertThat(a.join(b).join(c)).isEqualTo(a.join(b.join(c)));
    }

    @Property
    void joiningStoredWordsReadsBackAsTheJoin(@ForAll("labels") FlowLabels a, @ForAll("labels") FlowLabels b) {
        java.util.Set<String> wordsA = java.util.Set.of(a.format().split(","));
        java.util.Set<String> wordsB = java.util.Set.of(b.format().split(","));

        java.util.SortedSet<String> joined = FlowLabels.joinWords(wordsA, wordsB);

        assertThat(FlowLabels.parse(String.join(",", joined))).isEqualTo(a.join(b));
        assertThat(joined)
                .isEqualTo(new java.util.TreeSet<>(
                        java.util.List.of(a.join(b).format().split(","))));
    }

    @Property
    void joinIsIdempotent(@ForAll("labels") FlowLabels a) {
        assertThat(a.join(a)).isEqualTo(a);
    }

    @Property
    void labelsNeverShrinkUnderJoin(@ForAll("labels") FlowLabels a, @ForAll("labels") FlowLabels b) {
        FlowLabels joined = a.join(b);
        assertThat(a.dominatedBy(joined)).isTrue();
        assertThat(b.dominatedBy(joined)).isTrue();
        assertThat(joined.sensitivity()).isGreaterThanOrEqualTo(a.sensitivity());
        assertThat(joined.categories()).containsAll(a.categories());
    }

    @Property
    void noneIsTheBottomAndMostRestrictiveDominatesTheWellKnown(@ForAll("labels") FlowLabels a) {
        assertThat(FlowLabels.NONE.join(a)).isEqualTo(a);
        assertThat(a.join(FlowLabels.MOST_RESTRICTIVE).sensitivity()).isEqualTo(Sensitivity.RESTRICTED);
        assertThat(a.join(FlowLabels.MOST_RESTRICTIVE).untrusted()).isTrue();
    }

    @Property
    void formatThenParseGivesTheSameLabels(@ForAll("labels") FlowLabels a) {
        assertThat(FlowLabels.parse(a.format())).isEqualTo(a);
    }

    @Test
    void parseReadsSensitivityCategoriesAndIntegrityInAnyOrder() {
        FlowLabels labels = FlowLabels.parse("pii, untrusted,confidential,internal");
        assertThat(labels.sensitivity()).isEqualTo(Sensitivity.CONFIDENTIAL);
        assertThat(labels.has(Category.PII)).isTrue();
        assertThat(labels.untrusted()).isTrue();
        assertThat(labels.format()).isEqualTo("confidential,pii,untrusted");
        assertThat(FlowLabels.parse("")).isEqualTo(FlowLabels.NONE);
        assertThat(FlowLabels.NONE.format()).isEqualTo("public");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"confidential,,pii", "Secret", "pii!", "1abc", "confidential,x234567890123456789012345678901234"
            })
    void parseRefusesBadWordsNamingThem(String text) {
        assertThatThrownBy(() -> FlowLabels.parse(text))
                .isInstanceOf(MandateException.class)
                .hasMessageContaining("'");
    }

    @ParameterizedTest
    @CsvSource({"untrusted", "public", "restricted"})
    void categoriesCannotTakeReservedWords(String word) {
        assertThatThrownBy(() -> new Category(word)).hasMessageContaining("reserved");
    }

    @Test
    void tooManyCategoriesIsRefusedNotTruncated() {
        Set<Category> many = IntStream.range(0, FlowLabels.MAX_CATEGORIES + 1)
                .mapToObj(i -> new Category("c" + i))
                .collect(Collectors.toSet());
        assertThatThrownBy(() -> FlowLabels.of(Sensitivity.PUBLIC, many, false)).hasMessageContaining("MAX_CATEGORIES");
        assertThatThrownBy(() -> FlowLabels.parse("x".repeat(FlowLabels.MAX_TEXT_LENGTH + 1)))
                .hasMessageContaining("MAX_TEXT_LENGTH");
    }
}
