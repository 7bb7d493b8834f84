package io.basalt.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TenantIdTest {

    @Test
    void accountAloneMeansProjectZero() {
        assertThat(TenantId.parse("7")).isEqualTo(new TenantId(7, 0));
        assertThat(TenantId.parse("0")).isEqualTo(TenantId.DEFAULT);
    }

    @Test
    void accountAndProject() {
        assertThat(TenantId.parse("1:2")).isEqualTo(new TenantId(1, 2));
        assertThat(TenantId.parse("1:2")).hasToString("1:2");
    }

    @Test
    void fullUnsigned32BitRangeIsAccepted() {
        TenantId max = TenantId.parse("4294967295:4294967295");

        assertThat(max.accountId()).isEqualTo(-1);
        assertThat(max).hasToString("4294967295:4294967295");
        assertThat(TenantId.parse(max.toString())).isEqualTo(max);
    }

    @Test
    void tenantsOrderAsUnsignedNumbers() {
        List<TenantId> sorted = List.of(TenantId.parse("0:0"), TenantId.parse("0:4294967295"),
                TenantId.parse("2"), TenantId.parse("2147483648"), TenantId.parse("4294967295"));

        assertThat(sorted.stream().sorted().toList()).containsExactlyElementsOf(sorted);
    }

    @ParameterizedTest
    @ValueSource(strings = { "4294967296", "-1", "abc", "1:", ":1", "1:2:3", "1.5", " 1", "1:x", "+1", "1:+2" })
    void invalidTenantsAreRejectedWithAMessageNamingTheInputAndTheExpectedForm(String text) {
        assertThatThrownBy(() -> TenantId.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid tenant '" + text
                        + "': expected accountID or accountID:projectID, each an unsigned 32-bit integer");
    }

    @ParameterizedTest
    @NullAndEmptySource
    void missingTenantIsRejected(String text) {
        assertThatThrownBy(() -> TenantId.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("empty tenant: expected accountID or accountID:projectID");
    }
}
