package io.reconnector.store;

import com.hazelcast.config.SerializationConfig;
import com.hazelcast.config.SerializerConfig;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.StreamSerializer;

import java.io.IOException;

/**
 * How the session map's values and the objects sent to its partitions travel between members:
 * a few fields each, written in order. Without these Hazelcast falls back to Java
 * serialization, which writes class descriptors with every record and reads them back
 * reflectively: a third of a relay's CPU in a connect loop went to it, on the partition
 * thread and on the event loop.
 *
 * <p>Every member of a cluster must register the same serializers (they are part of
 * {@link EmbeddedHazelcast#config}); the type ids are the wire format's and never change meaning,
 * and members of another {@link #FORMAT} form a cluster of their own.
 */
public final class StoreSerializers {
    /**
     * The session map's format, part of the cluster name ({@link ClusterKeys#clusterName}):
     * 1 was Java serialization; 2 is these serializers. Bump it with any change to what they write.
     */
    public static final int FORMAT = 2;
    /** Hazelcast's custom serializer ids must be positive and unique in the member; "RC" + a number. */
    static final int SEALED_RECORD = 0x5243_0001;
    static final int WRITE = 0x5243_0002;
    static final int OF_IDENTITY = 0x5243_0003;

    private StoreSerializers() {
    }

    /** Registers every serializer of the session store in {@code config}. */
    public static void register(SerializationConfig config) {
        add(config, SealedRecord.class, SEALED_RECORD, StoreSerializers::writeRecord, StoreSerializers::readRecord);
        // A fenced write: the expected epoch, then the record, or nothing for a removal.
        add(config, HazelcastSessionStore.Write.class, WRITE, (out, w) -> {
            out.writeLong(w.expectedEpoch());
            out.writeBoolean(w.next() != null);
            if (w.next() != null) {
                writeRecord(out, w.next());
            }
        }, in -> {
            long expected = in.readLong();
            return new HazelcastSessionStore.Write(expected, in.readBoolean() ? readRecord(in) : null);
        });
        add(config, HazelcastSessionStore.OfIdentity.class, OF_IDENTITY, (out, p) -> {
            out.writeString(p.identity());
            out.writeString(p.exceptKey());
        }, in -> new HazelcastSessionStore.OfIdentity(in.readString(), in.readString()));
    }

    private static <T> void add(SerializationConfig config, Class<T> type, int typeId, Writer<T> writer, Reader<T> reader) {
        config.addSerializerConfig(new SerializerConfig().setTypeClass(type)
                .setImplementation(new Fields<>(typeId, writer, reader)));
    }

    static void writeRecord(ObjectDataOutput out, SealedRecord r) throws IOException {
        out.writeString(r.key());
        out.writeLong(r.epoch());
        out.writeString(r.homeNode());
        out.writeBoolean(r.attached());
        out.writeLong(r.changedAt());
        out.writeByteArray(r.sealed());
    }

    static SealedRecord readRecord(ObjectDataInput in) throws IOException {
        return new SealedRecord(in.readString(), in.readLong(), in.readString(), in.readBoolean(), in.readLong(),
                in.readByteArray());
    }

    private interface Writer<T> {
        void write(ObjectDataOutput out, T value) throws IOException;
    }

    private interface Reader<T> {
        T read(ObjectDataInput in) throws IOException;
    }

    /** One type's serializer: its fields written and read in order, under its type id. */
    private record Fields<T>(int typeId, Writer<T> writer, Reader<T> reader) implements StreamSerializer<T> {
        @Override
        public void write(ObjectDataOutput out, T value) throws IOException {
            writer.write(out, value);
        }

        @Override
        public T read(ObjectDataInput in) throws IOException {
            return reader.read(in);
        }

        @Override
        public int getTypeId() {
            return typeId;
        }
    }
}
