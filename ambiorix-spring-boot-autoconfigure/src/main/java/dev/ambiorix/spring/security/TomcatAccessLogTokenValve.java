package dev.ambiorix.spring.security;

import java.io.IOException;

import jakarta.servlet.ServletException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.tomcat.util.buf.MessageBytes;

/**
 * Takes the {@code access_token} query parameter out of the request line once the request
 * has been handled, so that Tomcat's access log, which is written after every valve has
 * run, shows the rest of the query but not the token.
 */
final class TomcatAccessLogTokenValve extends ValveBase {

	TomcatAccessLogTokenValve() {
		super(true);
	}

	@Override
	public void invoke(Request request, Response response) throws IOException, ServletException {
		try {
			getNext().invoke(request, response);
		}
		finally {
			MessageBytes query = request.getCoyoteRequest().queryString();
			String text = query.toString();
			if (text != null && text.contains(BearerTokenQueryParameterFilter.PARAMETER)) {
				String rest = BearerTokenQueryParameterFilter.withoutToken(text);
				if (rest != null) {
					query.setString(rest);
				}
				else {
					query.recycle();
				}
			}
		}
	}

}
