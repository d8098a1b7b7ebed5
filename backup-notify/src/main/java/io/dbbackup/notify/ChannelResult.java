package io.dbbackup.notify;

/**
 * What one channel did with one notification.
 *
 * @param error null when delivered; else a one-line reason without any secret
 */
public record ChannelResult(String channel, boolean delivered, int attempts, String error) {}
