package io.reconnector.store;

/**
 * A session record as the cluster's map holds it: in clear, only what the entry processors
 * need to fence writes (epoch) and what an operator may look at (home, attached, since when);
 * everything else — progress, connections, unacknowledged payload — sealed with AES-GCM.
 * The seal also covers the clear fields, so a node refuses a record whose clear part was
 * changed by anyone without the cluster secret. It travels between members as
 * {@link StoreSerializers} writes it.
 */
record SealedRecord(String key, long epoch, String homeNode, boolean attached, long changedAt, byte[] sealed) {
}
