{{/* Name prefix of every object: the release name, cut to what DNS labels allow once suffixes are added. */}}
{{- define "basalt.fullname" -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{- define "basalt.labels" -}}
app.kubernetes.io/name: basalt
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* Selector labels of one component; call with (dict "root" $ "component" "storage"). */}}
{{- define "basalt.selectorLabels" -}}
app.kubernetes.io/name: basalt
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "basalt.componentLabels" -}}
{{ include "basalt.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "basalt.image" -}}
{{- $tag := .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- printf "%s%s:%s" .root.Values.image.registry .values.repository $tag -}}
{{- end -}}

{{- define "basalt.storageHeadless" -}}
{{ include "basalt.fullname" . }}-storage-headless
{{- end -}}

{{/*
Discovery entries naming every storage pod through the headless Service, in ordinal order; insert and select shard
and merge by this order, so it must be the same on every node.
*/}}
{{- define "basalt.storageNodes" -}}
{{- $root := . -}}
{{- range $i := until (int .Values.storage.replicas) }}
SPRING_CLOUD_DISCOVERY_CLIENT_SIMPLE_INSTANCES_STORAGE_{{ $i }}_URI: {{ printf "http://%s-storage-%d.%s:%d" (include "basalt.fullname" $root) $i (include "basalt.storageHeadless" $root) (int $root.Values.storage.port) | quote }}
{{- end }}
{{- end -}}

{{/* Actuator probes; call with the port number. */}}
{{- define "basalt.probes" -}}
startupProbe:
  httpGet: {path: /actuator/health/liveness, port: http}
  periodSeconds: 5
  failureThreshold: 60
livenessProbe:
  httpGet: {path: /actuator/health/liveness, port: http}
  periodSeconds: 10
  failureThreshold: 3
readinessProbe:
  httpGet: {path: /actuator/health/readiness, port: http}
  periodSeconds: 5
  failureThreshold: 3
{{- end -}}

{{/* Environment every Basalt container shares. */}}
{{- define "basalt.commonEnv" -}}
- name: JAVA_TOOL_OPTIONS
  value: {{ .Values.javaToolOptions | quote }}
- name: MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED
  value: "true"
{{- end -}}

{{- define "basalt.extraEnv" -}}
{{- range $name, $value := . }}
{{ $name }}: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{- define "basalt.scheduling" -}}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
