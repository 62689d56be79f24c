{{/* The release's base name, used as the prefix of every object. */}}
{{- define "fleetgate.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels of one component: (dict "root" $ "component" "api"). */}}
{{- define "fleetgate.labels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/component: {{ .component }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "fleetgate.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* The HTTP port each component's probes and metrics use. */}}
{{- define "fleetgate.httpPort" -}}
{{- get (dict "api" 8080 "ssh" 8081 "worker" 8082 "ui" 80) . -}}
{{- end -}}

{{- define "fleetgate.sshEndpoint" -}}
{{- .Values.sshEndpoint | default (printf "%s:%v" .Values.domain .Values.ssh.service.port) -}}
{{- end -}}
