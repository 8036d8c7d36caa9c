{{/*
Templates here keep to a small part of Helm's language so that tests/HiFiC.Deployment.Tests can
render them without helm: value paths, if/else/end, with/end, define/include, and the functions
printf, default, quote, toYaml, toJson, indent, nindent, sha256sum, trunc, trimSuffix, eq, ne,
not, and, or.
Stay inside it (or extend the test renderer first).
*/}}

{{- define "hific.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 52 | trimSuffix "-" -}}
{{- end -}}

{{- define "hific.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "hific.siloSelectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: silo
{{- end -}}

{{- define "hific.webSelectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: web
{{- end -}}

{{/* Cluster identity and storage account: the same in silos and web host. */}}
{{- define "hific.clusterEnv" -}}
- name: HiFiC__Cluster__Clustering
  value: AzureTable
- name: HiFiC__Cluster__ServiceId
  value: {{ .Values.cluster.serviceId | quote }}
- name: HiFiC__Cluster__ClusterId
  value: {{ .Values.cluster.clusterId | quote }}
- name: HiFiC__AzureStorage__ConnectionString
  valueFrom:
    secretKeyRef:
      name: {{ .Values.secrets.storage.name }}
      key: {{ .Values.secrets.storage.key }}
{{- end -}}

{{/* HiFiC:Cluster:Tls from the mounted TLS Secret: the same in silos and web host. */}}
{{- define "hific.tlsEnv" -}}
- name: HiFiC__Cluster__Tls__Enabled
  value: {{ .Values.tls.enabled | quote }}
{{- if .Values.tls.enabled }}
- name: HiFiC__Cluster__Tls__CertificatePath
  value: /var/run/hific/tls/tls.crt
- name: HiFiC__Cluster__Tls__KeyPath
  value: /var/run/hific/tls/tls.key
- name: HiFiC__Cluster__Tls__CaCertificatePath
  value: /var/run/hific/tls/ca.crt
{{- end }}
{{- end -}}

{{- define "hific.tlsVolumeMount" -}}
{{- if .Values.tls.enabled }}
- name: cluster-tls
  mountPath: /var/run/hific/tls
  readOnly: true
{{- end }}
{{- end -}}

{{- define "hific.tlsVolume" -}}
{{- if .Values.tls.enabled }}
- name: cluster-tls
  secret:
    secretName: {{ .Values.tls.secretName }}
    # 0440: owner and the pod's fsGroup read the key, nobody else.
    defaultMode: 288
{{- end }}
{{- end -}}
