package io.basalt.storage.config;

import io.basalt.node.admission.AdmissionGate;
import io.basalt.node.admission.HeapPressure;
import io.basalt.node.admission.HeapPressure;
import io.basalt.tsdb.EngineConfig;
import io.basalt.tsdb.FreeSpaceProbe;
import io.basalt.tsdb.FsyncPolicy;
import io.basalt.tsdb.TsdbEngine;
import java.nio.file.Path;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class StorageConfiguration {

    /**
     * Opening replays the write-ahead log, so every sample acknowledged before a crash is back before we serve. The
     * service's beans take {@link io.basalt.tsdb.DurableStorage}; the bean keeps its concrete type for tests.
     */
    @Bean(destroyMethod = "close")
    public TsdbEngine storage(StorageProperties props, ObjectProvider<FreeSpaceProbe> freeSpace) {
        EngineConfig config;
        try {
            config = EngineConfig.builder(Path.of(props.getDataPath()))
                .retention(props.getRetentionPeriod())
                .futureRetention(props.getFutureRetention())
                .fsync(FsyncPolicy.parse(props.getFsync()))
                .dedupInterval(props.getDedupMinScrapeInterval())
                .minFreeDiskSpaceBytes(props.getMinFreeDiskSpaceBytes())
                // Tests supply a probe bean to play a filling and freed disk; nodes measure the real file store.
                .freeSpaceProbe(freeSpace.getIfAvailable(() -> FreeSpaceProbe.FILE_STORE))
                .build();
        }
        catch (IllegalArgumentException e) {
            throw new IllegalStateException("invalid basalt.storage settings: " + e.getMessage(), e);
        }
        return TsdbEngine.open(config);
    }

    @Bean
    public AdmissionGate insertGate(StorageProperties props, HeapPressure heap) {
        return new AdmissionGate("storage inserts", props.getMaxConcurrentInserts(),
                props.getMaxConcurrentInserts() * 64, props.getInsertQueueDuration(), heap);
    }

    @Bean
    public AdmissionGate selectGate(StorageProperties props, HeapPressure heap) {
        return new AdmissionGate("storage selects", props.getMaxConcurrentSelects(),
                props.getMaxConcurrentSelects() * 64, props.getSelectQueueDuration(), heap);
    }
}
