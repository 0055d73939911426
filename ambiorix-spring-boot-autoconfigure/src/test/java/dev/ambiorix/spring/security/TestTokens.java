package dev.ambiorix.spring.security;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * HS256 tokens, minted with Nimbus and checked by Spring Security's
 * {@link NimbusJwtDecoder} with the same symmetric key.
 */
final class TestTokens {

	private static final byte[] KEY = "a key of at least 256 bits for HS256, for tests only"
		.getBytes(StandardCharsets.UTF_8);

	private static final byte[] OTHER_KEY = "another key of 256 bits or more, that the server lacks"
		.getBytes(StandardCharsets.UTF_8);

	private TestTokens() {
	}

	static JwtDecoder decoder() {
		SecretKey key = new SecretKeySpec(KEY, "HmacSHA256");
		return NimbusJwtDecoder.withSecretKey(key).build();
	}

	/**
	 * A token for the subject, valid until the given time.
	 */
	static String valid(String subject, Instant expiresAt) {
		return mint(KEY, subject, expiresAt);
	}

	/**
	 * A token signed with a key the server does not trust.
	 */
	static String forged(String subject) {
		return mint(OTHER_KEY, subject, Instant.now().plusSeconds(600));
	}

	private static String mint(byte[] key, String subject, Instant expiresAt) {
		JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject)
			.issueTime(Date.from(Instant.now().minusSeconds(1)))
			.expirationTime(Date.from(expiresAt))
			.build();
		SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
		try {
			jwt.sign(new MACSigner(key));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

}
