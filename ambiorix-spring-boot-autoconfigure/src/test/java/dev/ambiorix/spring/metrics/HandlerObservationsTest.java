package dev.ambiorix.spring.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import dev.ambiorix.spring.Receive;
import dev.ambiorix.spring.support.AmbiorixConnection;
import dev.ambiorix.spring.support.TestApplication;
import dev.ambiorix.spring.support.TestClient;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTraceContextBuilder;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each handler call is an observation named after the handler, and a client's
 * {@code traceparent} is the parent of the handler's span.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@Import(HandlerObservationsTest.Tracing.class)
class HandlerObservationsTest {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Autowired
	TestObservationRegistry observations;

	@Autowired
	SimpleTracer tracer;

	@BeforeEach
	void clear() {
		this.observations.clear();
	}

	@Test
	void handlerCallIsAnObservationWithMessagingKeys() {
		try (AmbiorixConnection client = AmbiorixConnection.connect(this.port)) {
			client.send("echo", "hi");
			client.next();
			await().atMost(WAIT)
				.untilAsserted(() -> assertThat(this.observations)
					.hasAnObservation((observation) -> observation.hasNameEqualTo("ambiorix.handler")
						.hasContextualNameEqualTo("echo")
						.hasLowCardinalityKeyValue("messaging.system", "ambiorix")
						.hasLowCardinalityKeyValue("messaging.operation", "process")
						.hasLowCardinalityKeyValue("messaging.destination.name", "echo")
						.doesNotHaveError()));
		}
	}

	@Test
	void failingHandlersRecordTheirErrorAndUnknownNamesAreNotObserved() {
		try (AmbiorixConnection client = AmbiorixConnection.connect(this.port)) {
			client.send("fail", null);
			client.nextError("handler_error");
			client.send("failLater", null);
			client.nextError("handler_error");
			client.send("chta", null);
			client.nextError("unknown_name");
			await().atMost(WAIT)
				.untilAsserted(() -> assertThat(this.observations)
					.hasHandledContextsThatSatisfy((contexts) -> assertThat(handlerCalls(contexts))
						.extracting(Observation.Context::getContextualName)
						.containsExactlyInAnyOrder("fail", "failLater")));
			assertThat(this.observations).hasHandledContextsThatSatisfy((contexts) -> assertThat(handlerCalls(contexts))
				.allSatisfy((context) -> assertThat(context.getError()).isInstanceOf(IllegalStateException.class)));
		}
	}

	@Test
	void asynchronousHandlersAreObservedUntilTheirReplyIsReady() {
		try (AmbiorixConnection client = AmbiorixConnection.connect(this.port)) {
			client.send("later", "a");
			assertThat(client.next().message().stringValue()).isEqualTo("later:a");
			client.send("slowMono", "b");
			assertThat(client.next().message().stringValue()).isEqualTo("mono:b");
			for (String name : List.of("later", "slowMono")) {
				SimpleSpan span = await().atMost(WAIT)
					.until(() -> this.tracer.getSpans()
						.stream()
						.filter((candidate) -> name.equals(candidate.getName())
								&& candidate.getEndTimestamp().toEpochMilli() > 0)
						.findFirst()
						.orElse(null), Objects::nonNull);
				assertThat(Duration.between(span.getStartTimestamp(), span.getEndTimestamp())).as(name)
					.isGreaterThanOrEqualTo(Duration.ofMillis(150));
			}
		}
	}

	@Test
	void traceparentFromTheClientIsTheParentOfTheHandlerSpan() {
		String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
		String parentSpanId = "00f067aa0ba902b7";
		// Raw frames: the client has no traceparent field to send.
		try (TestClient client = TestClient.connect(this.port)) {
			client.sendText("{\"name\":\"shout\",\"message\":\"hi\",\"isAmbiorix\":true,\"traceparent\":\"00-" + traceId
					+ "-" + parentSpanId + "-01\"}");
			assertThat(client.next().get("message").stringValue()).isEqualTo("HI");
			await().atMost(WAIT)
				.until(() -> this.tracer.getSpans()
					.stream()
					.anyMatch((span) -> "shout".equals(span.getName()) && span.getEndTimestamp().toEpochMilli() > 0));
			SimpleSpan span = this.tracer.getSpans()
				.stream()
				.filter((candidate) -> "shout".equals(candidate.getName()))
				.findFirst()
				.orElseThrow();
			assertThat(span.getTraceId()).isEqualTo(traceId);
			assertThat(span.getParentId()).isEqualTo(parentSpanId);
			assertThat(span.getSpanId()).isNotEqualTo(parentSpanId);
		}
	}

	private static List<Observation.Context> handlerCalls(List<Observation.Context> contexts) {
		return contexts.stream()
			.filter((context) -> HandlerObservations.OBSERVATION_NAME.equals(context.getName()))
			.toList();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Tracing {

		@Bean
		MonoHandler monoHandler() {
			return new MonoHandler();
		}

		@Bean
		SimpleTracer simpleTracer() {
			return new SimpleTracer();
		}

		@Bean
		TestObservationRegistry observationRegistry(SimpleTracer tracer) {
			TestObservationRegistry registry = TestObservationRegistry.create();
			registry.observationConfig()
				.observationHandler(new PropagatingReceiverTracingObservationHandler<>(tracer,
						new W3cTraceparentPropagator(tracer)));
			return registry;
		}

	}

	static class MonoHandler {

		@Receive("slowMono")
		Mono<String> slowMono(String text) {
			return Mono.just("mono:" + text).delayElement(Duration.ofMillis(200));
		}

	}

	/**
	 * Reads a W3C {@code traceparent}, as a real tracer's propagator does.
	 */
	static final class W3cTraceparentPropagator implements Propagator {

		private final SimpleTracer tracer;

		W3cTraceparentPropagator(SimpleTracer tracer) {
			this.tracer = tracer;
		}

		@Override
		public List<String> fields() {
			return List.of("traceparent");
		}

		@Override
		public <C> void inject(TraceContext context, C carrier, Setter<C> setter) {
			setter.set(carrier, "traceparent", "00-" + context.traceId() + "-" + context.spanId() + "-01");
		}

		@Override
		public <C> Span.Builder extract(C carrier, Getter<C> getter) {
			Span.Builder builder = this.tracer.spanBuilder();
			String traceparent = getter.get(carrier, "traceparent");
			if (traceparent == null) {
				return builder;
			}
			String[] parts = traceparent.split("-");
			return builder
				.setParent(new SimpleTraceContextBuilder().traceId(parts[1]).spanId(parts[2]).sampled(true).build());
		}

	}

}
