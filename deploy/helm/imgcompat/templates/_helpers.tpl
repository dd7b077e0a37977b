{{/* Labels of every object (the same as `imgcompat webhook manifests`). */}}
{{- define "imgcompat.labels" -}}
app.kubernetes.io/managed-by: imgcompat
app.kubernetes.io/name: {{ .Values.name }}
{{- end }}

{{- define "imgcompat.selector" -}}
app.kubernetes.io/name: {{ .Values.name }}
{{- end }}

{{/* The Service's DNS names (what the API server dials is <svc>.<ns>.svc). */}}
{{- define "imgcompat.dnsNames" -}}
{{- $n := .Values.name -}}
{{- $ns := .Release.Namespace -}}
{{- list $n (printf "%s.%s" $n $ns) (printf "%s.%s.svc" $n $ns) (printf "%s.%s.svc.cluster.local" $n $ns) | toJson -}}
{{- end }}
