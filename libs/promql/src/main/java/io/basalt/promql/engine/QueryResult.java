package io.basalt.promql.engine;

import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import java.util.List;

/** The value of an evaluated query, in the four shapes of Prometheus' HTTP API. */
public sealed interface QueryResult {

    /** Prometheus' {@code resultType}. */
    String resultType();

    record Scalar(long timestamp, double value) implements QueryResult {
        @Override
        public String resultType() {
            return "scalar";
        }
    }

    record StringValue(long timestamp, String value) implements QueryResult {
        @Override
        public String resultType() {
            return "string";
        }
    }

    record Vector(List<Sample> samples) implements QueryResult {
        @Override
        public String resultType() {
            return "vector";
        }
    }

    record Matrix(List<TimeSeries> series) implements QueryResult {
        @Override
        public String resultType() {
            return "matrix";
        }
    }

    /** One element of an instant vector. */
    record Sample(Labels labels, long timestamp, double value) {
    }
}
