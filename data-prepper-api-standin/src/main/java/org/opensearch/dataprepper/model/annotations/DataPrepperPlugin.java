package org.opensearch.dataprepper.model.annotations;

import org.opensearch.dataprepper.model.configuration.PluginSetting;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Marks a class as a Data Prepper plugin, discovered by name and plugin type. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE})
public @interface DataPrepperPlugin {
    String DEFAULT_DEPRECATED_NAME = "";

    String name();

    String deprecatedName() default DEFAULT_DEPRECATED_NAME;

    String[] alternateNames() default {};

    Class<?> pluginType();

    Class<?> pluginConfigurationType() default PluginSetting.class;

    Class[] packagesToScan() default {};
}
