package dev.mandate.core.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

final class FlowStateTest {
    @Provide
    Arbitrary<List<FlowLabels>> additions() {
        return Arbitraries.of("public", "internal,pii", "confidential", "restricted,secret", "untrusted", "phi")
                .map(FlowLabels::parse)
                .list()
                .ofMaxSize(20);
    }

    @Property
    void labelsNeverShrinkWhateverIsAdded(@ForAll("additions") List<FlowLabels> additions) {
        FlowState state = FlowState.root(FlowLabels.NONE);
        FlowLabels before = state.current();
        for (FlowLabels added : additions) {
            FlowLabels after = state.add(added);
            assertThat(before.dominatedBy(after)).isTrue();
            assertThat(added.dominatedBy(after)).isTrue();
            before = after;
        }
    }

    @Test
    void childStartsWithParentLabelsAndHandsItsOwnBackOnClose() {
        FlowState parent = FlowState.root(FlowLabels.parse("internal"));
        FlowState child = parent.child();
        assertThat(child.current()).isEqualTo(FlowLabels.parse("internal"));

        child.add(FlowLabels.parse("confidential,pii"));
        assertThat(parent.current()).isEqualTo(FlowLabels.parse("internal"));

        child.close();
        assertThat(parent.current()).isEqualTo(FlowLabels.parse("confidential,pii"));
        assertThat(child.isClosed()).isTrue();
    }

    @Test
    void aResultArrivingAfterTheChildClosedStillReachesTheParent() {
        FlowState parent = FlowState.root(FlowLabels.NONE);
        FlowState child = parent.child();
        child.close();
        child.add(FlowLabels.parse("secret"));
        assertThat(parent.current().has(Category.SECRET)).isTrue();
    }

    @Test
    void concurrentAddsAreAllKept() throws Exception {
        FlowState state = FlowState.root(FlowLabels.NONE);
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<FlowLabels>> done =
                    List.of("pii", "phi", "pci", "secret", "hr", "legal", "finance", "ops").stream()
                            .map(word -> pool.submit(() -> state.add(FlowLabels.parse(word))))
                            .toList();
            for (Future<FlowLabels> f : done) {
                f.get();
            }
        }
        assertThat(state.current().categories()).hasSize(8);
    }

    @Property
    void writesHappenOnlyWhenLabelsChangeAndNeverGoBack(@ForAll("additions") List<FlowLabels> additions) {
        List<FlowLabels> written = new java.util.ArrayList<>();
        FlowState state = FlowState.root(FlowLabels.NONE, written::add);
        for (FlowLabels added : additions) {
            state.add(added);
        }
        for (int i = 1; i < written.size(); i++) {
            assertThat(written.get(i - 1).dominatedBy(written.get(i))).isTrue();
            assertThat(written.get(i)).isNotEqualTo(written.get(i - 1));
        }
        assertThat(written.isEmpty() ? FlowLabels.NONE : written.get(written.size() - 1))
                .isEqualTo(state.current());
    }

    @Test
    void aRestoredChildStartsFromItsParentAndItsOwnStoredLabelsAndWritesOnlyItsOwnRow() {
        List<FlowLabels> parentWrites = new java.util.ArrayList<>();
        List<FlowLabels> childWrites = new java.util.ArrayList<>();
        FlowState parent = FlowState.root(FlowLabels.parse("internal"), parentWrites::add);
        FlowState child = parent.child(FlowLabels.parse("pii"), childWrites::add);

        assertThat(child.current()).isEqualTo(FlowLabels.parse("internal,pii"));
        child.add(FlowLabels.parse("internal"));
        assertThat(childWrites).containsExactly(FlowLabels.parse("internal,pii"));
        child.close();
        assertThat(parentWrites).containsExactly(FlowLabels.parse("internal,pii"));
    }

    @Test
    void aFailedWriteFailsTheAddKeepsTheLabelsAndIsRetriedOnTheNextAdd() {
        List<FlowLabels> written = new java.util.ArrayList<>();
        boolean[] down = {true};
        FlowState state = FlowState.root(FlowLabels.NONE, labels -> {
            if (down[0]) {
                throw new IllegalStateException("store down");
            }
            written.add(labels);
        });
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> state.add(FlowLabels.parse("pii")))
                .hasMessage("store down");
        assertThat(state.current().has(new Category("pii"))).isTrue();
        down[0] = false;
        state.add(FlowLabels.NONE);
        assertThat(written).containsExactly(FlowLabels.parse("pii"));
    }

    @Test
    void labelsAnotherReplicaStoredAreTakenOverWithoutBeingWrittenAgain() {
        List<FlowLabels> written = new java.util.ArrayList<>();
        FlowState state = FlowState.root(FlowLabels.parse("internal"), written::add);

        assertThat(state.absorb(FlowLabels.parse("confidential,pii"))).isEqualTo(FlowLabels.parse("confidential,pii"));
        state.add(FlowLabels.parse("pii"));

        assertThat(written).isEmpty();
        state.add(FlowLabels.parse("secrets"));
        assertThat(written).containsExactly(FlowLabels.parse("confidential,pii,secrets"));
    }

    @Test
    void labelsThisStateHoldsBeyondTheStoredOnesAreWrittenWhenItTakesThemOver() {
        List<FlowLabels> written = new java.util.ArrayList<>();
        FlowState state = FlowState.root(FlowLabels.NONE, labels -> {
            if (labels.equals(FlowLabels.parse("secrets"))) {
                throw new IllegalStateException("store down (test)");
            }
            written.add(labels);
        });
        assertThatThrownBy(() -> state.add(FlowLabels.parse("secrets"))).isInstanceOf(IllegalStateException.class);

        state.absorb(FlowLabels.parse("pii"));

        assertThat(written).containsExactly(FlowLabels.parse("pii,secrets"));
    }
}
