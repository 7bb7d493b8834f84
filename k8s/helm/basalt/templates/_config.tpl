{{/*
Environment of each tier, kept in ConfigMaps. The pods carry a checksum of it, so changing a value rolls them.
*/}}
{{- define "basalt.storage.config" -}}
{{- $s := .Values.storage -}}
SERVER_PORT: {{ $s.port | quote }}
BASALT_STORAGE_DATAPATH: /vmstorage-data
BASALT_STORAGE_RETENTIONPERIOD: {{ $s.retentionPeriod | quote }}
BASALT_STORAGE_MAXCONCURRENTINSERTS: {{ $s.maxConcurrentInserts | quote }}
BASALT_STORAGE_MAXCONCURRENTSELECTS: {{ $s.maxConcurrentSelects | quote }}
BASALT_STORAGE_MINFREEDISKSPACEBYTES: {{ $s.minFreeDiskSpaceBytes | int64 | quote }}
BASALT_STORAGE_DEDUPMINSCRAPEINTERVAL: {{ $s.dedupMinScrapeInterval | quote }}
{{- include "basalt.security.env" . }}
{{- include "basalt.extraEnv" $s.extraEnv }}
{{- end -}}

{{- define "basalt.insert.config" -}}
{{- $i := .Values.insert -}}
SERVER_PORT: {{ $i.port | quote }}
BASALT_INSERT_REPLICATIONFACTOR: {{ $i.replicationFactor | quote }}
BASALT_INSERT_MAXCONCURRENTINSERTS: {{ $i.maxConcurrentInserts | quote }}
BASALT_INSERT_MAXINSERTREQUESTSIZE: {{ $i.maxInsertRequestSize | int64 | quote }}
BASALT_INSERT_MAXROWSPERBLOCK: {{ $i.maxRowsPerBlock | quote }}
BASALT_INSERT_HINTPATH: "/insert-hints"
BASALT_INSERT_MAXHINTBYTESPERNODE: {{ $i.hints.maxBytesPerNode | int64 | quote }}
{{- with $i.minWriteCopies }}
BASALT_INSERT_MINWRITECOPIES: {{ . | quote }}
{{- end }}
BASALT_INSERT_STORAGENODESFILE: "/etc/basalt/storage-nodes/insert.txt"
{{- if not .Values.repair.enabled }}
{{- include "basalt.rebalance.env" . }}
{{- end }}
{{- include "basalt.security.env" . }}
{{- include "basalt.extraEnv" $i.extraEnv }}
{{- end -}}

{{- /*
The rebalancer runs where the repairer runs (the one repair pod), or on the insert pods when there is no repair pod:
several rebalancers are safe (a drop needs exactly what was copied) but read and copy the same series again.
*/}}
{{- define "basalt.rebalance.env" -}}
{{- $r := .Values.insert.rebalance -}}
{{- if $r.enabled }}
BASALT_INSERT_REBALANCE_ENABLED: "true"
BASALT_INSERT_REBALANCE_SETTLE: {{ $r.settle | quote }}
BASALT_INSERT_REBALANCE_BYTESPERSECOND: {{ $r.bytesPerSecond | int64 | quote }}
{{- end }}
{{- end -}}

{{- define "basalt.repair.config" -}}
{{- $r := .Values.repair -}}
{{ include "basalt.insert.config" . }}
{{- include "basalt.rebalance.env" . }}
BASALT_INSERT_REPAIR_ENABLED: "true"
BASALT_INSERT_REPAIR_INTERVAL: {{ $r.interval | quote }}
BASALT_INSERT_REPAIR_LOOKBACK: {{ $r.lookback | quote }}
BASALT_INSERT_REPAIR_BYTESPERSECOND: {{ $r.bytesPerSecond | int64 | quote }}
{{- include "basalt.extraEnv" $r.extraEnv }}
{{- end -}}

{{- define "basalt.select.config" -}}
{{- $q := .Values.select -}}
SERVER_PORT: {{ $q.port | quote }}
BASALT_SELECT_REPLICATIONFACTOR: {{ $q.replicationFactor | quote }}
BASALT_SELECT_MAXCONCURRENTSELECTS: {{ $q.maxConcurrentSelects | quote }}
BASALT_SELECT_MAXQUERYDURATION: {{ $q.maxQueryDuration | quote }}
BASALT_SELECT_MAXQUERYLEN: {{ $q.maxQueryLen | quote }}
BASALT_SELECT_DENYPARTIALRESPONSE: {{ $q.denyPartialResponse | quote }}
BASALT_SELECT_STORAGENODESFILE: "/etc/basalt/storage-nodes/select.txt"
{{- include "basalt.security.env" . }}
{{- include "basalt.extraEnv" $q.extraEnv }}
{{- end -}}

{{- define "basalt.agent.config" -}}
{{- $a := .Values.agent -}}
SERVER_PORT: {{ $a.port | quote }}
BASALT_AGENT_CONFIGFILE: /etc/basalt/agent.yml
BASALT_AGENT_DATAPATH: /agent-data
{{- include "basalt.security.env" . }}
# `insert` in remote_write URLs resolves to the insert Service, which balances over the insert pods
SPRING_CLOUD_DISCOVERY_CLIENT_SIMPLE_INSTANCES_INSERT_0_URI: {{ printf "%s://%s-insert:%d" (include "basalt.scheme" .) (include "basalt.fullname" .) (int .Values.insert.port) | quote }}
{{- include "basalt.extraEnv" $a.extraEnv }}
{{- end -}}

{{/* The agent's Prometheus-format file: agent.config plus, with selfMonitoring, a job scraping the cluster. */}}
{{- define "basalt.agent.file" -}}
{{- $cfg := deepCopy .Values.agent.config -}}
{{- if .Values.agent.selfMonitoring -}}
{{- $name := include "basalt.fullname" . -}}
{{- $storage := list -}}
{{- range $i := until (int .Values.storage.replicas) -}}
{{- $storage = append $storage (printf "%s-storage-%d.%s:%d" $name $i (include "basalt.storageHeadless" $) (int $.Values.storage.port)) -}}
{{- end -}}
{{- $groups := list
      (dict "targets" $storage "labels" (dict "tier" "storage"))
      (dict "targets" (list (printf "%s-insert:%d" $name (int .Values.insert.port))) "labels" (dict "tier" "insert"))
      (dict "targets" (list (printf "%s-select:%d" $name (int .Values.select.port))) "labels" (dict "tier" "select")) -}}
{{- $job := dict "job_name" "basalt" "metrics_path" "/actuator/prometheus" "static_configs" $groups -}}
{{- include "basalt.agent.secureClient" (dict "root" . "client" $job "scrape" true) -}}
{{- $_ := set $cfg "scrape_configs" (append (default list $cfg.scrape_configs) $job) -}}
{{- end -}}
{{- if include "basalt.secured" . -}}
{{- $writes := list -}}
{{- range $cfg.remote_write -}}
{{- $rw := deepCopy . -}}
{{- if hasPrefix "http://insert/" $rw.url -}}
{{- if $.Values.security.tls.enabled }}{{ $_ := set $rw "url" (printf "https://%s" (trimPrefix "http://" $rw.url)) }}{{ end -}}
{{- include "basalt.agent.secureClient" (dict "root" $ "client" $rw) -}}
{{- end -}}
{{- $writes = append $writes $rw -}}
{{- end -}}
{{- $_ := set $cfg "remote_write" $writes -}}
{{- end -}}
{{- toYaml $cfg -}}
{{- end -}}


{{/*
Adds to a remote_write entry or scrape job (dict "client") what the secured cluster asks of the agent: the CA and its
client certificate with TLS, the agents' bearer token with authentication; "scrape" also switches the scheme. Entries
that already carry their own authorization or tls_config keep them.
*/}}
{{- define "basalt.agent.secureClient" -}}
{{- $sec := .root.Values.security -}}
{{- $c := .client -}}
{{- if $sec.tls.enabled -}}
{{- if .scrape }}{{ $_ := set $c "scheme" "https" }}{{ end -}}
{{- if not (hasKey $c "tls_config") -}}
{{- $_ := set $c "tls_config" (dict "ca_file" "/etc/basalt/tls/ca.crt" "cert_file" "/etc/basalt/tls/tls.crt" "key_file" "/etc/basalt/tls/tls.key") -}}
{{- end -}}
{{- end -}}
{{- if and $sec.auth.enabled (not (or (hasKey $c "basic_auth") (hasKey $c "authorization") (hasKey $c "bearer_token") (hasKey $c "bearer_token_file"))) -}}
{{- $_ := set $c "bearer_token_file" "/etc/basalt/secrets/agent_token" -}}
{{- end -}}
{{- end -}}
