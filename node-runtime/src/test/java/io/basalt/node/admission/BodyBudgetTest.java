package io.basalt.node.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BodyBudgetTest {

    @Test
    void reservationsPastTheBoundAreRefusedAndCountedAndReleasesMakeRoomAgain() {
        BodyBudget budget = new BodyBudget(100, HeapPressure.NONE);
        budget.reserve(60);

        assertThatThrownBy(() -> budget.reserve(41)).isInstanceOf(TooBusyException.class)
            .hasMessageContaining("hold 60 of 100 bytes");
        assertThat(budget.refusals()).isEqualTo(1);

        budget.release(60);
        budget.reserve(100);
        assertThat(budget.inFlight()).isEqualTo(100);
    }

    @Test
    void whileTheHeapIsUnderPressureNoBodyIsTakenIn() {
        HeapPressure heap = new HeapPressure(0.8, 0.7);
        BodyBudget budget = new BodyBudget(1 << 20, heap);
        heap.record(90, 100, true);

        assertThatThrownBy(() -> budget.reserve(1)).isInstanceOf(TooBusyException.class)
            .hasMessageContaining("heap 90% full");
        assertThat(budget.inFlight()).isZero();

        heap.record(50, 100, false);
        budget.reserve(1);
        assertThat(budget.inFlight()).isEqualTo(1);
    }
}
