package io.basalt.fuzzing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
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

    /**
     * Inputs for a target that takes a {@code FuzzedDataProvider}: any bytes are a valid input there, each one a
     * different sequence of choices, so a fixed set of random ones makes the regression run take as many paths.
     */
    public static Map<String, byte[]> randomChoices(int count, int size) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        SplittableRandom random = new SplittableRandom(count * 31L + size);
        for (int i = 0; i < count; i++) {
            byte[] b = new byte[size];
            random.nextBytes(b);
            out.put("choices-" + i, b);
        }
        return out;
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
