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
A storage node list (docs/operations.md, "Adding and removing storage nodes"): the storage pods of ordinals below
.count through the headless Service, "draining" after those in storage.nodeLists.draining. Call with a dict of
"root" and "count".
*/}}
{{- define "basalt.storageNodeList" -}}
{{- $root := .root -}}
{{- $draining := $root.Values.storage.nodeLists.draining | default list | toStrings -}}
{{- if gt (int .count) (int $root.Values.storage.replicas) -}}
{{- fail (printf "storage.nodeLists name %d storage nodes, but storage.replicas is %d" (int .count) (int $root.Values.storage.replicas)) -}}
{{- end -}}
# re-read by the pods every 2 s; change it through the chart's storage.replicas and storage.nodeLists
{{- range $i := until (int .count) }}
{{ printf "%s://%s-storage-%d.%s:%d" (include "basalt.scheme" $root) (include "basalt.fullname" $root) $i (include "basalt.storageHeadless" $root) (int $root.Values.storage.port) }}{{ if has (toString $i) $draining }} draining{{ end }}
{{- end }}
{{- end -}}

{{/* Where insert and select find their node list: a ConfigMap outside the pods' checksum, so a change restarts none. */}}
{{- define "basalt.storageNodeLists.mount" -}}
- name: storage-nodes
  mountPath: /etc/basalt/storage-nodes
  readOnly: true
{{- end -}}

{{- define "basalt.storageNodeLists.volume" -}}
- name: storage-nodes
  configMap:
    name: {{ include "basalt.fullname" . }}-storage-nodes
{{- end -}}

{{/*
Actuator probes; call with the root context. Liveness and readiness stay open with authentication on; with TLS the
kubelet speaks HTTPS to them (it does not verify the certificate).
*/}}
{{- define "basalt.probes" -}}
{{- $scheme := ternary ", scheme: HTTPS" "" (eq (include "basalt.scheme" .) "https") -}}
startupProbe:
  httpGet: {path: /actuator/health/liveness, port: http{{ $scheme }}}
  periodSeconds: 5
  failureThreshold: 60
livenessProbe:
  httpGet: {path: /actuator/health/liveness, port: http{{ $scheme }}}
  periodSeconds: 10
  failureThreshold: 3
readinessProbe:
  httpGet: {path: /actuator/health/readiness, port: http{{ $scheme }}}
  periodSeconds: 5
  failureThreshold: 3
{{- end -}}

{{/* Pod annotations telling Prometheus-style scrapers where the metrics are. */}}
{{- define "basalt.scrapeAnnotations" -}}
prometheus.io/scrape: "true"
prometheus.io/path: /actuator/prometheus
prometheus.io/port: {{ .port | quote }}
{{- if .root.Values.security.tls.enabled }}
prometheus.io/scheme: https
{{- end }}
{{- end -}}

{{/* Environment every Basalt container shares; call with (dict "root" $ "values" <the tier's values>). */}}
{{- define "basalt.commonEnv" -}}
- name: JAVA_TOOL_OPTIONS
  value: {{ printf "%s %s" .root.Values.javaToolOptions (.values.jvmOptions | default "") | trim | quote }}
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

{{/* "https" when security.tls.enabled, else "http": the scheme every Basalt tier serves and calls. */}}
{{- define "basalt.scheme" -}}
{{- if .Values.security.tls.enabled }}https{{ else }}http{{ end -}}
{{- end -}}

{{/* Non-empty when TLS or authentication is on, i.e. when pods mount the security configuration. */}}
{{- define "basalt.secured" -}}
{{- if or .Values.security.tls.enabled .Values.security.auth.enabled }}true{{ end -}}
{{- end -}}

{{/*
Spring configuration for TLS and authentication, a file in each tier's ConfigMap. It names the mounted secret files
only: certificates under /etc/basalt/tls (tls.crt, tls.key, ca.crt, the shape cert-manager writes) and credentials
under /etc/basalt/secrets. Call with (dict "root" $ "client" "insert"); "client" is the user a tier logs in to the
next one as (insert and select call storage), and "clientAuth" turns on mutual TLS for the storage nodes. With TLS
every WebClient of every tier trusts the CA (basalt-client), which the agents' load-balancer health checks need too.
*/}}
{{- define "basalt.security.file" -}}
{{- $sec := .root.Values.security -}}
{{- $cfg := dict -}}
{{- $security := dict -}}
{{- if $sec.tls.enabled -}}
{{- $store := dict "certificate" "file:/etc/basalt/tls/tls.crt" "private-key" "file:/etc/basalt/tls/tls.key" -}}
{{- $trust := dict "certificate" "file:/etc/basalt/tls/ca.crt" -}}
{{- $server := dict "bundle" "basalt-server" -}}
{{- if and .clientAuth (ne $sec.tls.clientAuth "none") -}}
{{- $_ := set $server "client-auth" $sec.tls.clientAuth -}}
{{- end -}}
{{- $_ := set $cfg "server" (dict "ssl" $server) -}}
{{- $bundles := dict
      "basalt-server" (dict "reload-on-update" true "keystore" $store "truststore" $trust)
      "basalt-client" (dict "reload-on-update" true "keystore" $store "truststore" $trust) -}}
{{- $_ := set $cfg "spring" (dict "ssl" (dict "bundle" (dict "pem" $bundles))) -}}
{{- end -}}
{{- if $sec.auth.enabled -}}
{{- $users := list -}}
{{- range concat $sec.auth.users (list (dict "username" "insert") (dict "username" "select")) -}}
{{- $user := dict "username" .username "password-hash-file" (printf "/etc/basalt/secrets/%s_password_hash" .username) -}}
{{- with .tenants }}{{ $_ := set $user "tenants" . }}{{ end -}}
{{- $users = append $users $user -}}
{{- end -}}
{{- $tokens := list (dict "name" "agent" "token-file" "/etc/basalt/secrets/agent_token") -}}
{{- $auth := dict "enabled" true "users" $users "tokens" $tokens -}}
{{- $jwt := $sec.auth.jwt -}}
{{- if or $jwt.issuerUri $jwt.jwkSetUri -}}
{{- $j := dict "tenants-claim" $jwt.tenantsClaim "audience" (required "security.auth.jwt.audience must be set when JWTs are accepted: the aud value your identity provider puts in tokens meant for Basalt" $jwt.audience) -}}
{{- with $jwt.issuerUri }}{{ $_ := set $j "issuer-uri" . }}{{ end -}}
{{- with $jwt.jwkSetUri }}{{ $_ := set $j "jwk-set-uri" . }}{{ end -}}
{{- $_ := set $auth "jwt" $j -}}
{{- end -}}
{{- $_ := set $security "auth" $auth -}}
{{- end -}}
{{- $client := dict -}}
{{- if and .client $sec.auth.enabled -}}
{{- $_ := set $client "username" .client -}}
{{- $_ := set $client "password-file" (printf "/etc/basalt/secrets/%s_password" .client) -}}
{{- end -}}
{{- if $sec.tls.enabled }}{{ $_ := set $client "ssl-bundle" "basalt-client" }}{{ end -}}
{{- with $client }}{{ $_ := set $security "client" . }}{{ end -}}
{{- if $security }}{{ $_ := set $cfg "basalt" (dict "security" $security) }}{{ end -}}
{{- toYaml $cfg -}}
{{- end -}}

{{/* ConfigMap entry holding basalt.security.file; same arguments. */}}
{{- define "basalt.security.configMapEntry" -}}
{{- if include "basalt.secured" .root -}}
security.yml: |
{{ include "basalt.security.file" . | indent 2 }}
{{- end -}}
{{- end -}}

{{/* Mounts of the security configuration and secrets (YAML list items), empty when security is off. */}}
{{- define "basalt.security.volumeMounts" -}}
{{- if include "basalt.secured" . }}
- name: security-config
  mountPath: /etc/basalt/security.yml
  subPath: security.yml
  readOnly: true
{{- end }}
{{- if .Values.security.tls.enabled }}
# a directory, not a subPath, so a renewed certificate reaches the pod and the SSL bundle reloads it
- name: tls
  mountPath: /etc/basalt/tls
  readOnly: true
{{- end }}
{{- if .Values.security.auth.enabled }}
- name: auth-secrets
  mountPath: /etc/basalt/secrets
  readOnly: true
{{- end }}
{{- end -}}

{{/* Volumes behind basalt.security.volumeMounts; call with (dict "root" $ "configMap" <name>). */}}
{{- define "basalt.security.volumes" -}}
{{- $sec := .root.Values.security -}}
{{- if include "basalt.secured" .root }}
- name: security-config
  configMap:
    name: {{ .configMap }}
    items: [{key: security.yml, path: security.yml}]
{{- end }}
{{- if $sec.tls.enabled }}
- name: tls
  secret:
    secretName: {{ required "security.tls.existingSecret must name a Secret with tls.crt, tls.key and ca.crt" $sec.tls.existingSecret }}
    # owner and group (fsGroup) read, nobody else: 0440
    defaultMode: 288
{{- end }}
{{- if $sec.auth.enabled }}
- name: auth-secrets
  secret:
    secretName: {{ required "security.auth.existingSecret must name a Secret with the password hashes, passwords and agent token" $sec.auth.existingSecret }}
    defaultMode: 288
{{- end }}
{{- end -}}

{{/* Environment pointing Spring at the mounted security configuration. */}}
{{- define "basalt.security.env" -}}
{{- if include "basalt.secured" . }}
SPRING_CONFIG_ADDITIONALLOCATION: "file:/etc/basalt/security.yml"
{{- end }}
{{- end -}}
