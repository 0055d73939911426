package dev.ambiorix.spring.handler;

import dev.ambiorix.spring.Receive;
import dev.ambiorix.spring.support.TestApplication;
import dev.ambiorix.spring.support.TestClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.exc.ValueInstantiationException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A payload type whose constructor refuses the value is the client's fault, told without
 * a class name or the exception's text; a type that cannot be read at all is the
 * server's.
 */
@SpringBootTest(classes = { TestApplication.class, PayloadTypeFailureTest.Handlers.class },
		webEnvironment = WebEnvironment.RANDOM_PORT)
class PayloadTypeFailureTest {

	@LocalServerPort
	int port;

	@Test
	void constructorThatThrowsIsInvalidMessageWithoutClassNameOrExceptionText() {
		try (TestClient client = TestClient.connect(this.port)) {
			client.send("book", java.util.Map.of("seats", 11));
			JsonNode error = client.nextError("invalid_message");
			String detail = error.get("detail").stringValue();
			assertThat(detail).isEqualTo("message: invalid value");
			assertThat(error.toString()).doesNotContain("Booking")
				.doesNotContain("dev.ambiorix")
				.doesNotContain("Cannot construct")
				.doesNotContain("hunter2");
			client.send("book", java.util.Map.of("seats", 2));
			assertThat(client.next().get("message").intValue()).isEqualTo(2);
		}
	}

	@Test
	void typeThatCannotBeReadAtAllIsAHandlerError() {
		try (TestClient client = TestClient.connect(this.port)) {
			client.send("shape", java.util.Map.of("sides", 3));
			JsonNode error = client.nextError("handler_error");
			assertThat(error.get("detail").stringValue()).isEqualTo(EnvelopeDispatcher.HANDLER_FAILED);
			assertThat(error.toString()).doesNotContain("Shape");
		}
	}

	@Test
	void constructorMessageIsToldOnlyWhenExceptionMessagesAreIncluded() {
		ValueInstantiationException ex = catchThrowableOfType(ValueInstantiationException.class,
				() -> JsonMapper.builder().build().readValue("{\"seats\":11}", Booking.class));
		assertThat(PayloadConverter.describe(ex, false)).isEqualTo("message: invalid value");
		assertThat(PayloadConverter.describe(ex, true)).isEqualTo("message: no more than 10 seats (hunter2)");
	}

	record Booking(int seats) {

		Booking {
			if (seats > 10) {
				throw new IllegalArgumentException("no more than 10 seats (hunter2)");
			}
		}

	}

	interface Shape {

	}

	static class Handlers {

		@Receive("book")
		int book(Booking booking) {
			return booking.seats();
		}

		@Receive("shape")
		String shape(Shape shape) {
			return "never";
		}

	}

}
