package io.basalt.select.ui;

import io.basalt.model.TenantId;
import java.time.Duration;
import java.util.regex.Pattern;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.MediaTypeFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves the web UI (built into {@code basalt-ui/} on the classpath by the select-ui module) under
 * {@code /select/{tenant}/ui/}. The page finds the API relative to its own address, so one copy serves every tenant.
 */
@RestController
public class UiController {

    static final String UI_ROOT = "basalt-ui/";

    /** Everything the page loads comes from this node: no CDN, no inline script. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; "
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; "
            + "object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    /** Vite names assets by content hash; anything else under assets/ is not ours. */
    private static final Pattern ASSET_NAME = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*\\.[a-z0-9]+");

    @GetMapping("/")
    public ResponseEntity<Void> root() {
        return redirect("/select/0/ui/");
    }

    @GetMapping("/select/{tenant}/ui")
    public ResponseEntity<Void> withoutSlash(@PathVariable String tenant) {
        TenantId.parse(tenant);
        return redirect("/select/" + tenant + "/ui/");
    }

    @GetMapping({ "/select/{tenant}/ui/", "/select/{tenant}/ui/index.html" })
    public ResponseEntity<Resource> index(@PathVariable String tenant) {
        TenantId.parse(tenant);
        Resource index = new ClassPathResource(UI_ROOT + "index.html");
        if (!index.exists()) {
            // select-service built without select-ui on its classpath (e.g. from an IDE without npm)
            return ResponseEntity.status(HttpStatus.NOT_FOUND).build();
        }
        return ResponseEntity.ok()
            .contentType(MediaType.TEXT_HTML)
            .cacheControl(CacheControl.noCache())
            .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            .header("X-Content-Type-Options", "nosniff")
            .body(index);
    }

    @GetMapping("/select/{tenant}/ui/assets/{name}")
    public ResponseEntity<Resource> asset(@PathVariable String tenant, @PathVariable String name) {
        TenantId.parse(tenant);
        if (!ASSET_NAME.matcher(name).matches()) {
            return ResponseEntity.notFound().build();
        }
        Resource asset = new ClassPathResource(UI_ROOT + "assets/" + name);
        if (!asset.exists()) {
            return ResponseEntity.notFound().build();
        }
        return ResponseEntity.ok()
            .contentType(MediaTypeFactory.getMediaType(name).orElse(MediaType.APPLICATION_OCTET_STREAM))
            .cacheControl(CacheControl.maxAge(Duration.ofDays(365)).cachePublic().immutable())
            .header("X-Content-Type-Options", "nosniff")
            .body(asset);
    }

    private static ResponseEntity<Void> redirect(String path) {
        return ResponseEntity.status(HttpStatus.FOUND).header(HttpHeaders.LOCATION, path).build();
    }
}
