package dev.mandate.core.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

final class LabelledStoreTest {
    @Test
    void aReaderReceivesTheLabelsWrittenUnderTheSameKey() {
        LabelledStore store = new LabelledStore(10);
        store.write("memory", "note-1", FlowLabels.parse("confidential,pii"));

        assertThat(store.read("memory", "note-1")).isEqualTo(FlowLabels.parse("confidential,pii"));
        assertThat(store.read("memory", "note-2")).isEqualTo(FlowLabels.NONE);
        assertThat(store.read("other", "note-1")).isEqualTo(FlowLabels.NONE);
    }

    @Test
    void writesToOneKeyAccumulate() {
        LabelledStore store = new LabelledStore(10);
        store.write("memory", "k", FlowLabels.parse("pii"));
        store.write("memory", "k", FlowLabels.parse("internal"));
        assertThat(store.read("memory", "k")).isEqualTo(FlowLabels.parse("internal,pii"));
    }

    @Test
    void aWholeStoreReadReceivesEverythingWritten() {
        LabelledStore store = new LabelledStore(10);
        store.write("tickets", "a", FlowLabels.parse("pii"));
        store.write("tickets", "b", FlowLabels.parse("restricted"));
        assertThat(store.readAll("tickets")).isEqualTo(FlowLabels.parse("restricted,pii"));
    }

    @Test
    void pastTheKeyLimitWritesOverLabelEveryReadInsteadOfBeingForgotten() {
        LabelledStore store = new LabelledStore(1);
        store.write("memory", "first", FlowLabels.parse("internal"));
        store.write("memory", "second", FlowLabels.parse("secret"));

        assertThat(store.read("memory", "second").has(Category.SECRET)).isTrue();
        assertThat(store.read("memory", "first").has(Category.SECRET)).isTrue();
        assertThatThrownBy(() -> new LabelledStore(0)).hasMessageContaining("maxKeysPerStore < 1");
    }
}
