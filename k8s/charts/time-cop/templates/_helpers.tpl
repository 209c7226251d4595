{{/* Names, labels and the parts every component shares. */}}

{{- define "time-cop.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* release-chart, or just the release when it already contains the chart's name. */}}
{{- define "time-cop.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "time-cop.namespace" -}}
{{- default .Release.Namespace .Values.global.namespace }}
{{- end }}

{{- define "time-cop.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels: stable for the life of a release (a Deployment's selector is immutable). */}}
{{- define "time-cop.selectorLabels" -}}
app.kubernetes.io/name: {{ include "time-cop.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* The recommended labels (kubernetes.io/docs/concepts/overview/working-with-objects/common-labels). */}}
{{- define "time-cop.labels" -}}
helm.sh/chart: {{ include "time-cop.chart" .root }}
{{ include "time-cop.selectorLabels" . }}
app.kubernetes.io/part-of: time-cop
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end }}

{{/* Labels for objects that belong to the release as a whole (ConfigMap, Secret, policies). */}}
{{- define "time-cop.commonLabels" -}}
{{ include "time-cop.labels" (dict "root" . "component" "shared") }}
{{- end }}

{{- define "time-cop.componentName" -}}
{{- printf "%s-%s" (include "time-cop.fullname" .root) .component | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "time-cop.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "time-cop.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "time-cop.configMapName" -}}
{{- printf "%s-config" (include "time-cop.fullname" .) }}
{{- end }}

{{- define "time-cop.secretName" -}}
{{- default (printf "%s-secrets" (include "time-cop.fullname" .)) .Values.secrets.existingSecret }}
{{- end }}

{{- define "time-cop.temporalAddress" -}}
{{- tpl .Values.temporal.address . }}
{{- end }}

{{- define "time-cop.image" -}}
{{- printf "%s:%s" .repository .tag }}
{{- end }}

{{/* Ceiling of the app's grace in seconds, plus a buffer: SIGKILL never cuts the drain short. */}}
{{- define "time-cop.terminationGrace" -}}
{{- add (div (add .shutdownGraceMs 999) 1000) .terminationBufferSeconds }}
{{- end }}

{{/*
A component's Deployment. Arguments: root, component (name), values (its values block),
ports (list of dicts name/port), probePort (name of the port serving /healthz and /readyz),
metricsPort (name), env (list of EnvVar), needsDatabase (bool).
*/}}
{{- define "time-cop.deployment" -}}
{{- $root := .root }}
{{- $v := .values }}
{{- $probes := mergeOverwrite (deepCopy $root.Values.probes) (default dict $v.probes) }}
{{- $metricsPort := 0 }}
{{- range .ports }}{{ if eq .name $.metricsPort }}{{ $metricsPort = .port }}{{ end }}{{ end }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "time-cop.componentName" . }}
  namespace: {{ include "time-cop.namespace" $root }}
  labels:
    {{- include "time-cop.labels" . | nindent 4 }}
spec:
  {{- if not $v.autoscaling.enabled }}
  replicas: {{ $v.replicas }}
  {{- end }}
  revisionHistoryLimit: 3
  selector:
    matchLabels:
      {{- include "time-cop.selectorLabels" . | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
  template:
    metadata:
      labels:
        {{- include "time-cop.labels" . | nindent 8 }}
        {{- with $root.Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        # A changed ConfigMap or Secret rolls the pods (env is read once, at start).
        checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
        checksum/secret: {{ include (print $root.Template.BasePath "/secret.yaml") $root | sha256sum }}
        {{- if $root.Values.observability.enabled }}
        prometheus.io/scrape: 'true'
        prometheus.io/port: {{ $metricsPort | quote }}
        prometheus.io/path: /metrics
        {{- end }}
        {{- /* A component's own annotations win over the shared ones (promote rolls one component). */}}
        {{- with merge (dict) ($v.podAnnotations | default dict) ($root.Values.podAnnotations | default dict) }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "time-cop.serviceAccountName" $root }}
      # None of the apps talks to the Kubernetes API.
      automountServiceAccountToken: false
      enableServiceLinks: false
      terminationGracePeriodSeconds: {{ include "time-cop.terminationGrace" $v }}
      securityContext:
        {{- toYaml $root.Values.podSecurityContext | nindent 8 }}
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .component }}
          image: {{ include "time-cop.image" $v.image | quote }}
          imagePullPolicy: {{ $v.image.pullPolicy }}
          securityContext:
            {{- toYaml $root.Values.containerSecurityContext | nindent 12 }}
          ports:
            {{- range .ports }}
            - name: {{ .name }}
              containerPort: {{ .port }}
              protocol: TCP
            {{- end }}
          envFrom:
            - configMapRef:
                name: {{ include "time-cop.configMapName" $root }}
          env:
            {{- toYaml .env | nindent 12 }}
            {{- with $v.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          startupProbe:
            httpGet: { path: /healthz, port: {{ .probePort }} }
            {{- toYaml $probes.startup | nindent 12 }}
          livenessProbe:
            httpGet: { path: /healthz, port: {{ .probePort }} }
            {{- toYaml $probes.liveness | nindent 12 }}
          readinessProbe:
            httpGet: { path: /readyz, port: {{ .probePort }} }
            {{- toYaml $probes.readiness | nindent 12 }}
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: {{ $root.Values.tmpVolume.sizeLimit }}
      {{- with $root.Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $root.Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $root.Values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}

{{/* A component's HorizontalPodAutoscaler and PodDisruptionBudget, each when enabled. */}}
{{- define "time-cop.scaling" -}}
{{- $v := .values }}
{{- if $v.autoscaling.enabled }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "time-cop.componentName" . }}
  namespace: {{ include "time-cop.namespace" .root }}
  labels:
    {{- include "time-cop.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "time-cop.componentName" . }}
  minReplicas: {{ $v.autoscaling.minReplicas }}
  maxReplicas: {{ $v.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $v.autoscaling.targetCPUUtilizationPercentage }}
{{- end }}
{{- if $v.podDisruptionBudget.enabled }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "time-cop.componentName" . }}
  namespace: {{ include "time-cop.namespace" .root }}
  labels:
    {{- include "time-cop.labels" . | nindent 4 }}
spec:
  minAvailable: {{ $v.podDisruptionBudget.minAvailable }}
  selector:
    matchLabels:
      {{- include "time-cop.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end }}

{{/* A ServiceMonitor (Prometheus Operator) for a component's metrics port. */}}
{{- define "time-cop.serviceMonitor" -}}
{{- $obs := .root.Values.observability }}
{{- if and $obs.enabled $obs.serviceMonitor.enabled }}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "time-cop.componentName" . }}
  namespace: {{ include "time-cop.namespace" .root }}
  labels:
    {{- include "time-cop.labels" . | nindent 4 }}
    {{- with $obs.serviceMonitor.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "time-cop.selectorLabels" . | nindent 6 }}
  endpoints:
    - port: {{ .metricsPort }}
      path: /metrics
      interval: {{ $obs.serviceMonitor.interval }}
{{- end }}
{{- end }}

{{/* Egress every component needs: DNS, Temporal, and networkPolicy.extraEgress. */}}
{{- define "time-cop.egressBase" -}}
{{- $np := .Values.networkPolicy -}}
- ports:
    - { protocol: UDP, port: 53 }
    - { protocol: TCP, port: 53 }
  {{- with $np.dns.to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
- ports:
    - { protocol: TCP, port: {{ $np.temporal.port }} }
  {{- with $np.temporal.to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- with $np.extraEgress }}
{{ toYaml . }}
{{- end }}
{{- end }}
