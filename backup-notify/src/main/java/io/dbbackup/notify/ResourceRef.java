package io.dbbackup.notify;

/** The resource a notification is about: kind (DatabaseBackup, DatabaseRestore), where, which. */
public record ResourceRef(String kind, String namespace, String name, String uid) {}
