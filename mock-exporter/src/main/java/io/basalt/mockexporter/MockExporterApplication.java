package io.basalt.mockexporter;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class MockExporterApplication {

    public static void main(String[] args) {
        SpringApplication.run(MockExporterApplication.class, args);
    }
}
