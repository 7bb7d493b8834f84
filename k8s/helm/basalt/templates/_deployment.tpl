{{/*
The stateless tiers (insert, select, agent) share one shape: ConfigMap-fed environment, Actuator probes, a ClusterIP
Service and a PodDisruptionBudget. Call with (dict "root" $ "component" "insert" "values" .Values.insert
"config" "basalt.insert.config"), optionally "volumes" and "volumeMounts" (YAML lists as strings) and "client" (the
user this tier logs in to storage as when authentication is on).
*/}}
{{- define "basalt.statelessTier" -}}
{{- $root := .root -}}
{{- $v := .values -}}
{{- $c := dict "root" $root "component" .component -}}
{{- $name := printf "%s-%s" (include "basalt.fullname" $root) .component -}}
{{- $security := include "basalt.security.configMapEntry" (dict "root" $root "client" .client) -}}
{{- $mounts := printf "%s%s" (.volumeMounts | default "") (include "basalt.security.volumeMounts" $root) | trim -}}
{{- $volumes := printf "%s%s" (.volumes | default "") (include "basalt.security.volumes" (dict "root" $root "configMap" $name)) | trim -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ $name }}
  labels:
    {{- include "basalt.componentLabels" $c | nindent 4 }}
data:
  {{- include .config $root | nindent 2 }}
{{- with .files }}
  {{- . | nindent 2 }}
{{- end }}
{{- with $security }}
  {{- . | nindent 2 }}
{{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $name }}
  labels:
    {{- include "basalt.componentLabels" $c | nindent 4 }}
spec:
  type: {{ ($v.service).type | default "ClusterIP" }}
  selector:
    {{- include "basalt.selectorLabels" $c | nindent 4 }}
  ports:
    - name: http
      port: {{ $v.port }}
      targetPort: http
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  labels:
    {{- include "basalt.componentLabels" $c | nindent 4 }}
spec:
  replicas: {{ $v.replicas }}
  selector:
    matchLabels:
      {{- include "basalt.selectorLabels" $c | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      # never drop below the configured capacity while rolling
      maxUnavailable: 0
      maxSurge: 1
  template:
    metadata:
      labels:
        {{- include "basalt.componentLabels" $c | nindent 8 }}
      annotations:
        checksum/config: {{ printf "%s%s%s" (include .config $root) (.files | default "") $security | sha256sum | trunc 16 }}
        {{- include "basalt.scrapeAnnotations" (dict "root" $root "port" $v.port) | nindent 8 }}
    spec:
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $root.Values.podSecurityContext | nindent 8 }}
      containers:
        - name: {{ .component }}
          image: {{ include "basalt.image" (dict "root" $root "values" $v) }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ $v.port }}
          envFrom:
            - configMapRef:
                name: {{ $name }}
          env:
            {{- include "basalt.commonEnv" (dict "root" $root "values" $v) | nindent 12 }}
          {{- include "basalt.probes" $root | nindent 10 }}
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          {{- with $mounts }}
          volumeMounts:
            {{- . | nindent 12 }}
          {{- end }}
      {{- with $volumes }}
      volumes:
        {{- . | nindent 8 }}
      {{- end }}
      {{- with (include "basalt.scheduling" $v) }}{{ . | trim | nindent 6 }}{{ end }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ $name }}
  labels:
    {{- include "basalt.componentLabels" $c | nindent 4 }}
spec:
  minAvailable: {{ $v.podDisruptionBudget.minAvailable }}
  selector:
    matchLabels:
      {{- include "basalt.selectorLabels" $c | nindent 6 }}
{{- end -}}
