# The relay (and agent) image: `docker build -t reconnector:0.1.0 .`
# Build stage: the same Maven build the README runs, tests left to CI.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests -pl cli -am package

# Runtime: a JRE, the one jar, a user with no shell and no home, nothing written outside /tmp
# (mount an emptyDir there; the root filesystem can be read-only).
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 reconnector \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin reconnector
COPY --from=build /src/cli/target/reconnector.jar /app/reconnector.jar
USER 10001:10001
# Heap from the container's memory limit; an OutOfMemoryError ends the process (Kubernetes
# restarts it, other nodes take its sessions over) instead of limping on. What sessions hold
# for their clients lives in direct memory (Netty's pool), whose limit defaults to the heap's:
# 40 % each leaves a fifth of the limit for the JVM itself, so the two together never exceed it.
# No hsperfdata file; Netty unpacks its native libraries into /tmp.
# (On the command line, not in JAVA_TOOL_OPTIONS, which the JVM echoes into a JSON log.)
EXPOSE 7000 7001 7002 5701 9090
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=40", "-XX:+ExitOnOutOfMemoryError", "-XX:-UsePerfData", \
            "-Djava.io.tmpdir=/tmp", "-Dio.netty.native.workdir=/tmp", "-jar", "/app/reconnector.jar"]
CMD ["relay", "--help"]
