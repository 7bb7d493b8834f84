package io.basalt.fuzzing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The seed corpus of a {@code @FuzzTest} lives in the module's test resources, in Jazzer's layout
 * {@code src/test/resources/<package>/<Class>Inputs/<method>/}, and runs in every build (Jazzer's regression mode).
 * Seeds built in code (valid encodings) are written there by {@link #write}, which a fuzz class calls from a test
 * that runs only with {@code -Dbasalt.fuzz.writeSeeds=true}, from the module's directory:
 * {@code ./mvnw -B -pl libs/wire test -Dtest=ClusterCodecFuzzTest#writeSeeds -Dbasalt.fuzz.writeSeeds=true}.
 */
public final class Corpus {

    private Corpus() {
    }

    public static void write(Class<?> fuzzClass, String method, Map<String, byte[]> seeds) {
        Assumptions.assumeTrue(Boolean.getBoolean("basalt.fuzz.writeSeeds"),
                "writes the seed corpus only with -Dbasalt.fuzz.writeSeeds=true");
        Path dir = Path.of("src/test/resources", fuzzClass.getPackageName().replace('.', '/'),
                fuzzClass.getSimpleName() + "Inputs", method);
        try {
            Files.createDirectories(dir);
            for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
                Files.write(dir.resolve(seed.getKey()), seed.getValue());
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
