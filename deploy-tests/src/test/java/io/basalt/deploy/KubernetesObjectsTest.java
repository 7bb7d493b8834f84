package io.basalt.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The manifest checks are only as good as this parser, so its strictness is tested on its own. */
class KubernetesObjectsTest {

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: %s
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers:
                    - name: web
                      image: web:1
                      %s
            """;

    @Test
    void findsAMisspeltFieldDeepInsideAPodTemplate() {
        var objects = KubernetesObjects.parse(DEPLOYMENT.formatted("2", "livenesProbe: {httpGet: {path: /, port: 80}}"));

        assertThat(objects).singleElement().satisfies(d -> assertThat(KubernetesObjects.unknownFields(d))
                .containsExactly("Deployment/web.spec.template.spec.containers[0].livenesProbe"));
    }

    @Test
    void acceptsACorrectManifest() {
        var objects = KubernetesObjects.parse(DEPLOYMENT.formatted("2", "livenessProbe: {httpGet: {path: /, port: 80}}")
                + "---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n");

        assertThat(objects).hasSize(2).allSatisfy(o -> assertThat(KubernetesObjects.unknownFields(o)).isEmpty());
    }

    @Test
    void rejectsAValueOfTheWrongType() {
        assertThatThrownBy(() -> KubernetesObjects.parse(DEPLOYMENT.formatted("two", "ports: []")))
                .isInstanceOf(RuntimeException.class);
    }
}
