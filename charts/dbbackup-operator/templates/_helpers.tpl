{{/* Chart name, at most 63 characters. */}}
{{- define "dbbackup.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: release name + chart name, unless the release name already holds it. */}}
{{- define "dbbackup.fullname" -}}
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

{{/* Labels on everything the chart creates. */}}
{{- define "dbbackup.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "dbbackup.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Labels that select the controller pods. */}}
{{- define "dbbackup.selectorLabels" -}}
app.kubernetes.io/name: {{ include "dbbackup.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: controller
{{- end }}

{{- define "dbbackup.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "dbbackup.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name: name the existing ServiceAccount when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* repository:tag, or repository@digest when a digest is given. */}}
{{- define "dbbackup.image" -}}
{{- $image := index . 0 }}
{{- $root := index . 1 }}
{{- if $image.digest }}
{{- printf "%s@%s" $image.repository $image.digest }}
{{- else }}
{{- printf "%s:%s" $image.repository (default $root.Chart.AppVersion $image.tag) }}
{{- end }}
{{- end }}

{{/* Leader election: asked for, or needed because more than one replica runs. */}}
{{- define "dbbackup.leaderElection" -}}
{{- if or .Values.leaderElection.enabled (gt (int .Values.replicaCount) 1) }}true{{ else }}false{{ end }}
{{- end }}

{{/*
The controller's rules, each with why it is needed. Reviewed against the code; the chart tests
hold the same table (deploy-tests ChartRbacTest) and fail on any difference.
*/}}
{{- define "dbbackup.controllerRules" -}}
{{- $delete := .Values.rbac.ownerReferencesPermissionEnforcement }}
# The primary resource: informer (list, watch); `dbbackup.io/run-now-handled` annotation (patch);
# get and patch are also granted to each runner, and a Role may only grant what its creator holds.
- apiGroups: ["dbbackup.io"]
  resources: ["databasebackups"]
  verbs: ["get", "list", "watch", "patch"]
# Status: the controller's part is patched (StatusPatcher); get is granted to each runner.
- apiGroups: ["dbbackup.io"]
  resources: ["databasebackups/status"]
  verbs: ["get", "patch"]
# DatabaseRestores: informer (list, watch), a GET of the named DatabaseBackup above; the controller
# writes their status (phase, conditions, the runner's outcome).
- apiGroups: ["dbbackup.io"]
  resources: ["databaserestores"]
  verbs: ["list", "watch"]
- apiGroups: ["dbbackup.io"]
  resources: ["databaserestores/status"]
  verbs: ["patch"]
# A finished restore's outcome is its pod's termination message (pods by label; never exec, logs).
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list"]
# Children, created and updated without server-side apply (POST, PUT), read from informers.
- apiGroups: [""]
  resources: ["configmaps", "serviceaccounts"]
  verbs: ["list", "watch", "create", "update"{{ if $delete }}, "delete"{{ end }}]
- apiGroups: ["rbac.authorization.k8s.io"]
  resources: ["roles", "rolebindings"]
  verbs: ["list", "watch", "create", "update"{{ if $delete }}, "delete"{{ end }}]
- apiGroups: ["batch"]
  resources: ["cronjobs"]
  verbs: ["list", "watch", "create", "update"{{ if $delete }}, "delete"{{ end }}]
# Backup Jobs: informer for failures without a report; on-demand runs (run-now) create one.
# Restore Jobs: one per DatabaseRestore (and its ConfigMap above), followed by an informer.
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["list", "watch", "create"{{ if $delete }}, "delete"{{ end }}]
{{- if $delete }}
# An on-demand Job's owner reference to its CronJob sets blockOwnerDeletion.
- apiGroups: ["batch"]
  resources: ["cronjobs/finalizers"]
  verbs: ["update"]
{{- end }}
# Referenced Secrets are checked to exist, by name, with a plain GET (never list or watch). The
# same GET reads the notification Secrets a DatabaseBackup names (SMTP credentials, webhook URLs,
# routing keys) when the controller sends; the default channels' Secrets in the release namespace
# have their own Role with resourceNames (templates/notifications.yaml).
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get"]
# Warning and Normal Events on DatabaseBackups (core/v1), which each runner may create too.
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
{{- end }}

{{/*
The names of the Secrets the default notification channels name (in the release namespace),
sorted and without repeats, as a JSON array: what the controller may get there and nothing more.
The same references as backup-api's NotificationSecrets (the chart test compares the two).
*/}}
{{- define "dbbackup.notificationSecretNames" -}}
{{- $names := list }}
{{- range .Values.notifications.defaultChannels }}
{{- with .email }}
{{- with .usernameSecretRef }}{{ $names = append $names .name }}{{ end }}
{{- with .passwordSecretRef }}{{ $names = append $names .name }}{{ end }}
{{- end }}
{{- with .slack }}{{ with .webhookUrlSecretRef }}{{ $names = append $names .name }}{{ end }}{{ end }}
{{- with .pagerDuty }}{{ with .routingKeySecretRef }}{{ $names = append $names .name }}{{ end }}{{ end }}
{{- with .webhook }}
{{- with .urlSecretRef }}{{ $names = append $names .name }}{{ end }}
{{- with .signingKeySecretRef }}{{ $names = append $names .name }}{{ end }}
{{- end }}
{{- end }}
{{- $names | uniq | sortAlpha | toJson }}
{{- end }}

{{/* The default channels as the controller reads them: a JSON array; fails on a repeated name. */}}
{{- define "dbbackup.notificationDefaults" -}}
{{- $seen := dict }}
{{- range $i, $c := .Values.notifications.defaultChannels }}
{{- if hasKey $seen $c.name }}
{{- fail (printf "notifications.defaultChannels[%d].name: %q is already the name of notifications.defaultChannels[%v]; names must be unique" $i $c.name (get $seen $c.name)) }}
{{- end }}
{{- $_ := set $seen $c.name (toString $i) }}
{{- end }}
{{- toPrettyJson .Values.notifications.defaultChannels }}
{{- end }}
