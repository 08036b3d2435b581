package dev.mlbatch.runtime.pipeline;

import dev.mlbatch.runtime.config.PipelineGraphValidator;
import dev.mlbatch.runtime.config.RouteDefinition;
import org.opensearch.dataprepper.expression.ExpressionEvaluator;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.event.EventHandle;
import org.opensearch.dataprepper.model.event.InternalEventHandle;
import org.opensearch.dataprepper.model.record.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Decides which sinks get which events, as upstream: a sink without routes gets everything, otherwise the events
 * that matched one of its routes; {@code _default} catches events that matched no route. An event that reaches
 * several sinks gets one acknowledgement reference per sink; one that reaches none is released positively.
 */
final class Router {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    private final List<RouteDefinition> routes;
    private final List<RoutedSink> sinks;
    private final ExpressionEvaluator evaluator;
    private final boolean everySinkTakesEverything;

    Router(final List<RouteDefinition> routes, final List<RoutedSink> sinks, final ExpressionEvaluator evaluator) {
        this.routes = routes;
        this.sinks = sinks;
        this.evaluator = evaluator;
        this.everySinkTakesEverything = sinks.stream().allMatch(RoutedSink::takesEverything);
    }

    /** Returns, per sink (same order as the sinks), the records it must receive. */
    List<Collection<Record<Event>>> route(final Collection<Record<Event>> records) {
        final List<Collection<Record<Event>>> perSink = new ArrayList<>(sinks.size());
        if (everySinkTakesEverything) {
            for (int s = 0; s < sinks.size(); s++) {
                perSink.add(records);
            }
            if (sinks.size() > 1) {
                records.forEach(record -> acquireExtraReferences(record.getData(), sinks.size() - 1));
            }
            return perSink;
        }
        for (int s = 0; s < sinks.size(); s++) {
            perSink.add(new ArrayList<>());
        }
        final boolean[] matched = new boolean[routes.size()];
        for (final Record<Event> record : records) {
            final Event event = record.getData();
            boolean anyRoute = false;
            for (int r = 0; r < routes.size(); r++) {
                matched[r] = matches(routes.get(r), event);
                anyRoute |= matched[r];
            }
            int receivers = 0;
            for (int s = 0; s < sinks.size(); s++) {
                if (receives(sinks.get(s), matched, anyRoute)) {
                    perSink.get(s).add(record);
                    receivers++;
                }
            }
            if (receivers == 0) {
                event.getEventHandle().release(true);
            } else if (receivers > 1) {
                acquireExtraReferences(event, receivers - 1);
            }
        }
        return perSink;
    }

    private boolean receives(final RoutedSink sink, final boolean[] matched, final boolean anyRoute) {
        if (sink.takesEverything()) {
            return true;
        }
        for (int r = 0; r < routes.size(); r++) {
            if (matched[r] && sink.routes().contains(routes.get(r).name())) {
                return true;
            }
        }
        return !anyRoute && sink.routes().contains(PipelineGraphValidator.DEFAULT_ROUTE);
    }

    private boolean matches(final RouteDefinition route, final Event event) {
        try {
            return Boolean.TRUE.equals(evaluator.evaluateConditional(route.condition(), event));
        } catch (final RuntimeException e) {
            LOG.debug("Route '{}' not applied to an event: {}", route.name(), e.getMessage());
            return false;
        }
    }

    private static void acquireExtraReferences(final Event event, final int count) {
        final EventHandle handle = event.getEventHandle();
        if (handle instanceof InternalEventHandle internal && internal.hasAcknowledgementSet()) {
            for (int i = 0; i < count; i++) {
                internal.acquireReference();
            }
        }
    }
}
