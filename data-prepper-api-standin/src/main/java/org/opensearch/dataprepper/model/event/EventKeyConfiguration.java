package org.opensearch.dataprepper.model.event;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Declares which actions an {@link EventKey} configuration field is used for. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD})
public @interface EventKeyConfiguration {
    EventKeyFactory.EventAction[] value();
}
