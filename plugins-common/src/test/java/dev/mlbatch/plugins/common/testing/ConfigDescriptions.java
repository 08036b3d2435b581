package dev.mlbatch.plugins.common.testing;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the bound properties of a plugin's config class (and of the option classes it nests) that have no
 * {@code @JsonPropertyDescription}, so generated plugin docs never miss a key. Walks fields and methods annotated
 * with {@code @JsonProperty}, superclasses included, and follows property types (and their type arguments) of
 * our own packages; upstream's classes (e.g. AwsConfig) are not ours to describe.
 */
public final class ConfigDescriptions {
    private static final String OURS = "dev.mlbatch.";

    private ConfigDescriptions() {
    }

    /** Each bound property without a non-blank description, as {@code Class.member (yaml_key)}; empty when complete. */
    public static List<String> undescribed(final Class<?> root) {
        final List<String> missing = new ArrayList<>();
        final Set<Class<?>> seen = new LinkedHashSet<>();
        final Deque<Class<?>> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            final Class<?> type = todo.pop();
            if (!seen.add(type)) {
                continue;
            }
            for (Class<?> c = type; c != null && c.getName().startsWith(OURS); c = c.getSuperclass()) {
                for (final Field field : c.getDeclaredFields()) {
                    check(c, field, field.getName(), field.getGenericType(), missing, todo);
                }
                for (final Method method : c.getDeclaredMethods()) {
                    final Type bound = method.getParameterCount() == 1
                            ? method.getGenericParameterTypes()[0] : method.getGenericReturnType();
                    check(c, method, method.getName() + "()", bound, missing, todo);
                }
            }
        }
        return missing;
    }

    /** The number of classes {@link #undescribed} walks from {@code root}: lets a test show it reached the nested ones. */
    public static int classesWalked(final Class<?> root) {
        final Set<Class<?>> seen = new LinkedHashSet<>();
        final Deque<Class<?>> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            final Class<?> type = todo.pop();
            if (seen.add(type)) {
                for (Class<?> c = type; c != null && c.getName().startsWith(OURS); c = c.getSuperclass()) {
                    for (final Field field : c.getDeclaredFields()) {
                        if (field.isAnnotationPresent(JsonProperty.class)) {
                            addOurs(field.getGenericType(), todo);
                        }
                    }
                }
            }
        }
        return seen.size();
    }

    private static void check(final Class<?> owner, final AnnotatedElement member, final String name, final Type bound,
                              final List<String> missing, final Deque<Class<?>> todo) {
        final JsonProperty property = member.getAnnotation(JsonProperty.class);
        if (property == null) {
            return;
        }
        final JsonPropertyDescription description = member.getAnnotation(JsonPropertyDescription.class);
        if (description == null || description.value().isBlank()) {
            missing.add(owner.getSimpleName() + "." + name + " (" + property.value() + ")");
        }
        addOurs(bound, todo);
    }

    private static void addOurs(final Type type, final Deque<Class<?>> todo) {
        if (type instanceof Class<?> c) {
            if (c.getName().startsWith(OURS) && !c.isEnum()) {
                todo.add(c);
            }
        } else if (type instanceof ParameterizedType p) {
            addOurs(p.getRawType(), todo);
            for (final Type argument : p.getActualTypeArguments()) {
                addOurs(argument, todo);
            }
        } else if (type instanceof WildcardType w) {
            for (final Type upper : w.getUpperBounds()) {
                addOurs(upper, todo);
            }
        }
    }
}
