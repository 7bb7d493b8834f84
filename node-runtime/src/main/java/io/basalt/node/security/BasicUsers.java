package io.basalt.node.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UserDetailsRepositoryReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * HTTP basic users checked against bcrypt hashes. A bcrypt check costs tens of milliseconds of CPU by design, and
 * Grafana or an agent sends the same credentials with every request, so a successful check is remembered (as a
 * SHA-256 digest of name and password, in memory only) and repeated requests skip bcrypt.
 */
final class BasicUsers implements ReactiveAuthenticationManager {

    private static final Pattern BCRYPT = Pattern.compile("^\\$2[aby]?\\$\\d\\d\\$[./A-Za-z0-9]{53}$");

    private static final int MAX_REMEMBERED = 1024;

    private final ReactiveAuthenticationManager bcrypt;

    private final Set<String> usernames;

    private final PasswordEncoder encoder;

    /** Compared with when the name is unknown, so that an unknown name costs as much time as a wrong password. */
    private final String decoyHash;

    private final Map<String, Authentication> verified = new ConcurrentHashMap<>();

    private BasicUsers(ReactiveAuthenticationManager bcrypt, Set<String> usernames, PasswordEncoder encoder) {
        this.bcrypt = bcrypt;
        this.usernames = usernames;
        this.encoder = encoder;
        this.decoyHash = encoder.encode(UUID.randomUUID().toString());
    }

    /** @throws IllegalStateException for a user without a name or a bcrypt hash, or a bad tenant */
    static BasicUsers of(List<BasaltSecurityProperties.User> users, Secrets secrets) {
        return of(users, secrets, new BCryptPasswordEncoder());
    }

    static BasicUsers of(List<BasaltSecurityProperties.User> users, Secrets secrets, PasswordEncoder encoder) {
        UserDetails[] details = new UserDetails[users.size()];
        Set<String> usernames = new HashSet<>();
        for (int i = 0; i < users.size(); i++) {
            BasaltSecurityProperties.User u = users.get(i);
            String property = "basalt.security.auth.users[" + i + "].password-hash";
            if (!BasaltSecurityProperties.present(u.username())) {
                throw new IllegalStateException("basalt.security.auth.users[" + i + "].username is required");
            }
            String hash = secrets.read(property, u.passwordHash(), u.passwordHashFile(), null);
            if (hash == null || !BCRYPT.matcher(hash).matches()) {
                throw new IllegalStateException(property + ": a bcrypt hash ($2a$, $2b$ or $2y$) is required for user "
                        + u.username());
            }
            usernames.add(u.username());
            details[i] = User.withUsername(u.username())
                .password(hash)
                .authorities(TenantScope.ofConfigured("basalt.security.auth.users[" + i + "].tenants", u.tenants()).authorities())
                .build();
        }
        var manager = new UserDetailsRepositoryReactiveAuthenticationManager(new MapReactiveUserDetailsService(details));
        manager.setPasswordEncoder(encoder);
        return new BasicUsers(manager, Set.copyOf(usernames), encoder);
    }

    @Override
    public Mono<Authentication> authenticate(Authentication presented) {
        String key = digest(presented.getName() + '\0' + presented.getCredentials());
        Authentication known = verified.get(key);
        if (known != null) {
            return Mono.just(known);
        }
        if (!usernames.contains(presented.getName())) {
            // Spring's reactive manager refuses an unknown name at once, without bcrypt; the time difference would
            // tell an attacker which user names exist.
            return Mono.fromCallable(() -> encoder.matches(String.valueOf(presented.getCredentials()), decoyHash))
                .subscribeOn(Schedulers.boundedElastic())
                .then(Mono.error(new BadCredentialsException("Invalid Credentials")));
        }
        return bcrypt.authenticate(presented).doOnNext(ok -> remember(key, ok));
    }

    private void remember(String key, Authentication ok) {
        if (verified.size() >= MAX_REMEMBERED) {
            verified.clear();
        }
        verified.put(key, ok);
    }

    static String digest(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(s.getBytes(StandardCharsets.UTF_8)));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
