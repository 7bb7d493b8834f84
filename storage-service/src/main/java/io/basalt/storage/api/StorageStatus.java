package io.basalt.storage.api;

import io.basalt.node.admission.AdmissionGate;
import io.basalt.node.status.NodeStatusContributor;
import io.basalt.storage.config.StorageProperties;
import io.basalt.tsdb.DurableStorage;
import io.basalt.tsdb.EngineStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

@Component
public class StorageStatus implements NodeStatusContributor {

    private final StorageProperties props;

    private final DurableStorage storage;

    private final AdmissionGate insertGate;

    private final AdmissionGate selectGate;

    public StorageStatus(StorageProperties props, DurableStorage storage,
            @Qualifier("insertGate") AdmissionGate insertGate,
            @Qualifier("selectGate") AdmissionGate selectGate) {
        this.props = props;
        this.storage = storage;
        this.insertGate = insertGate;
        this.selectGate = selectGate;
    }

    @Override
    public String role() {
        return "storage";
    }

    @Override
    public Map<String, Object> configSummary() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("dataPath", props.getDataPath());
        c.put("retentionPeriod", props.getRetentionPeriod());
        c.put("futureRetention", props.getFutureRetention().toString());
        c.put("maxConcurrentInserts", props.getMaxConcurrentInserts());
        c.put("maxConcurrentSelects", props.getMaxConcurrentSelects());
        c.put("minFreeDiskSpaceBytes", props.getMinFreeDiskSpaceBytes());
        c.put("dedupMinScrapeInterval", props.getDedupMinScrapeInterval().toString());
        c.put("fsync", props.getFsync());
        return c;
    }

    /** Measured like the read-only decision measures it; -1 when the file system cannot say. */
    private long freeBytes() {
        try {
            return storage.config().freeSpaceProbe().usableBytes(storage.config().dataPath());
        }
        catch (java.io.IOException e) {
            return -1;
        }
    }

    @Override
    public Map<String, Object> details() {
        Map<String, Object> d = new LinkedHashMap<>();
        EngineStatus s = storage.status();
        d.put("readOnly", s.readOnly());
        if (s.readOnly()) {
            d.put("readOnlyReason", s.readOnlyReason());
        }
        d.put("activeSeries", s.activeSeries());
        d.put("rowsIngested", s.rowsIngested());
        d.put("diskUsageBytes", s.diskUsageBytes());
        d.put("diskFreeBytes", freeBytes());
        d.put("parts", s.parts());
        d.put("walSizeBytes", s.walSizeBytes());
        d.put("insertsRunning", insertGate.running());
        d.put("insertsQueued", insertGate.queued());
        d.put("selectsRunning", selectGate.running());
        d.put("selectsQueued", selectGate.queued());
        return d;
    }
}
