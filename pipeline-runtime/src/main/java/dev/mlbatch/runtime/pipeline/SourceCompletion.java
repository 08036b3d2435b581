package dev.mlbatch.runtime.pipeline;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Optional;

/**
 * Asks a source whether it has finished. Sources that can finish (a file read once, a scan whose scheduling count is
 * reached) expose a public {@code boolean isFinished()}; it is looked up by name so plugins need no runtime type
 * and still load unchanged into upstream Data Prepper.
 */
final class SourceCompletion {
    private final Object source;
    private final Method isFinished;

    private SourceCompletion(final Object source, final Method isFinished) {
        this.source = source;
        this.isFinished = isFinished;
    }

    static Optional<SourceCompletion> of(final Object source) {
        try {
            final Method method = source.getClass().getMethod("isFinished");
            if ((method.getReturnType() == boolean.class || method.getReturnType() == Boolean.class)
                    && !Modifier.isStatic(method.getModifiers())) {
                return Optional.of(new SourceCompletion(source, method));
            }
        } catch (final NoSuchMethodException ignored) {
            // This source never finishes by itself.
        }
        return Optional.empty();
    }

    boolean isFinished() {
        try {
            return Boolean.TRUE.equals(isFinished.invoke(source));
        } catch (final ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot ask " + source.getClass().getName() + " whether it has finished", e);
        }
    }
}
