package io.reconnector.protocol.frame;

import io.reconnector.protocol.ProtocolException;
import io.reconnector.protocol.ProtocolViolation;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared contract's vectors (protocol-vectors.json, copied from shared/) against our codec. */
class FrameVectorsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final JsonObject VECTORS = load();

    private static JsonObject load() {
        try (InputStream in = FrameVectorsTest.class.getResourceAsStream("/protocol-vectors.json")) {
            return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Frame> decodeAll(Buffer... chunks) throws ProtocolException {
        FrameDecoder decoder = new FrameDecoder();
        List<Frame> out = new ArrayList<>();
        for (Buffer chunk : chunks) {
            decoder.feed(chunk, f -> out.add(f.kept()));
        }
        return out;
    }

    private static byte[] frameBytes(JsonObject v) {
        if (v.containsKey("hex")) {
            return HEX.parseHex(v.getString("hex"));
        }
        // The 65,535-byte Data vector gives a prefix and a rule for the payload.
        byte[] prefix = HEX.parseHex(v.getString("hex_prefix"));
        byte[] all = new byte[v.getInteger("frame_size")];
        System.arraycopy(prefix, 0, all, 0, prefix.length);
        for (int i = 0; i < v.getInteger("length"); i++) {
            all[prefix.length + i] = (byte) ((i * 7) & 0xff);
        }
        return all;
    }

    /** The fields the vector names, read off a decoded frame under the vector's field names. */
    private static void assertFields(JsonObject v, Frame f, byte[] bytes) {
        String type = v.getString("type");
        switch (type) {
            case "START_SESSION" -> assertEquals(v.getLong("clientId"), ((StartSession) f).clientId());
            case "RECONNECT_SESSION" -> {
                ReconnectSession r = (ReconnectSession) f;
                assertEquals(v.getLong("clientId"), r.clientId());
                assertEquals(v.getInteger("lastAcked"), r.lastAcked());
            }
            case "SESSION_STARTED" -> {
                SessionStarted s = (SessionStarted) f;
                assertEquals(v.getLong("clientCode"), s.clientCode());
                assertEquals(v.getInteger("lastAcked"), s.lastAcked());
            }
            case "SESSION_REJECTED" -> assertEquals(v.getLong("clientCode"), ((SessionRejected) f).clientCode());
            case "NEW_CONNECTION" -> {
                NewConnection n = (NewConnection) f;
                assertEquals(v.getInteger("messageId"), n.messageId());
                assertEquals(v.getInteger("connectionId"), n.connectionId());
                assertEquals(v.getString("address"), n.destination().toString());
                assertEquals(v.getInteger("port"), n.port());
            }
            case "CONNECTED" -> {
                Connected c = (Connected) f;
                assertEquals(v.getInteger("messageId"), c.messageId());
                assertEquals(v.getInteger("connectionId"), c.connectionId());
                assertEquals(v.getInteger("window"), c.window());
            }
            case "CONNECT_FAILED" -> {
                ConnectFailed c = (ConnectFailed) f;
                assertEquals(v.getInteger("messageId"), c.messageId());
                assertEquals(v.getInteger("connectionId"), c.connectionId());
                assertEquals(v.getInteger("errno"), c.errno());
            }
            case "CONNECTION_EOF" -> {
                ConnectionEof e = (ConnectionEof) f;
                assertEquals(v.getInteger("messageId"), e.messageId());
                assertEquals(v.getInteger("connectionId"), e.connectionId());
            }
            case "CONNECTION_CLOSED" -> {
                ConnectionClosed c = (ConnectionClosed) f;
                assertEquals(v.getInteger("messageId"), c.messageId());
                assertEquals(v.getInteger("connectionId"), c.connectionId());
            }
            case "DATA" -> {
                Data d = (Data) f;
                assertEquals(v.getInteger("messageId"), d.messageId());
                assertEquals(v.getInteger("connectionId"), d.connectionId());
                assertEquals(v.getInteger("window"), d.window());
                assertEquals(v.getInteger("length"), d.length());
                byte[] payload = new byte[d.length()];
                System.arraycopy(bytes, FrameType.DATA.size(), payload, 0, payload.length);
                if (v.containsKey("data_hex")) {
                    assertEquals(v.getString("data_hex"), HEX.formatHex(d.payload().getBytes()));
                }
                assertEquals(Buffer.buffer(payload), d.payload());
            }
            case "KEEPALIVE" -> {
                Keepalive k = (Keepalive) f;
                assertEquals(v.getInteger("messageId"), k.messageId());
                assertEquals(v.getInteger("connectionId"), k.connectionId());
                assertEquals(v.getInteger("window"), k.window());
                assertEquals(0, v.getInteger("length"));
            }
            case "ACK" -> {
                Ack a = (Ack) f;
                assertEquals(v.getInteger("messageId"), a.messageId());
                assertEquals(v.getInteger("window"), a.window());
            }
            default -> throw new AssertionError("vector of unknown type " + type);
        }
    }

    @TestFactory
    Stream<DynamicTest> validFramesDecodeToTheirFieldsAndEncodeBack() {
        JsonArray valid = VECTORS.getJsonArray("valid");
        return valid.stream().map(o -> (JsonObject) o).map(v -> DynamicTest.dynamicTest(v.getString("name"), () -> {
            byte[] bytes = frameBytes(v);
            List<Frame> frames = decodeAll(Buffer.buffer(bytes));
            assertEquals(1, frames.size());
            Frame f = frames.get(0);
            assertFields(v, f, bytes);
            assertEquals(Buffer.buffer(bytes), f.encode(), "re-encoding gives the same bytes");
            assertEquals(bytes.length, f.encodedSize());
        }));
    }

    @TestFactory
    Stream<DynamicTest> invalidFramesAreProtocolErrors() {
        return VECTORS.getJsonArray("invalid").stream().map(o -> (JsonObject) o)
                .map(v -> DynamicTest.dynamicTest(v.getString("name"), () -> {
                    ProtocolException e = assertThrows(ProtocolException.class,
                            () -> decodeAll(Buffer.buffer(HEX.parseHex(v.getString("hex")))));
                    assertEquals(ProtocolViolation.UNKNOWN_CODE, e.violation());
                    assertTrue(e.getMessage().contains(v.getString("error")));
                }));
    }

    @TestFactory
    Stream<DynamicTest> truncatedFramesMakeTheDecoderWait() {
        return VECTORS.getJsonArray("truncated").stream().map(o -> (JsonObject) o)
                .map(v -> DynamicTest.dynamicTest(v.getString("name"), () -> {
                    byte[] cut = HEX.parseHex(v.getString("hex"));
                    FrameDecoder decoder = new FrameDecoder();
                    List<Frame> out = new ArrayList<>();
                    decoder.feed(Buffer.buffer(cut), f -> out.add(f.kept()));
                    assertEquals(List.of(), out, "no frame from a truncated one");
                    assertEquals(cut.length, decoder.buffered());
                    // Completing it with any bytes up to "needs" yields exactly one frame.
                    decoder.feed(Buffer.buffer(new byte[v.getInteger("needs") - cut.length]), f -> out.add(f.kept()));
                    assertEquals(1, out.size());
                    assertEquals(v.getInteger("needs"), out.get(0).encodedSize());
                    assertEquals(0, decoder.buffered());
                }));
    }

    @Test
    void theChunkedStreamYieldsExactlyItsFrames() throws ProtocolException {
        JsonObject stream = VECTORS.getJsonObject("stream");
        List<Buffer> chunks = new ArrayList<>();
        for (Object hex : stream.getJsonArray("chunks_hex")) {
            chunks.add(Buffer.buffer(HEX.parseHex((String) hex)));
        }
        List<Frame> frames = decodeAll(chunks.toArray(Buffer[]::new));
        List<String> described = frames.stream().map(FrameVectorsTest::describe).toList();
        assertEquals(stream.getJsonArray("frames").getList(), described);
    }

    /** The vector file's one-line notation, e.g. "ACK messageId=0 window=9". */
    private static String describe(Frame f) {
        if (f instanceof StartSession s) {
            return "START_SESSION clientId=" + s.clientId();
        }
        if (f instanceof Data d) {
            return "DATA messageId=" + d.messageId() + " connectionId=" + d.connectionId() + " window=" + d.window()
                    + " length=" + d.length() + " data=" + HEX.formatHex(d.payload().getBytes());
        }
        if (f instanceof Ack a) {
            return "ACK messageId=" + a.messageId() + " window=" + a.window();
        }
        return assertInstanceOf(Frame.class, f).toString();
    }
}
