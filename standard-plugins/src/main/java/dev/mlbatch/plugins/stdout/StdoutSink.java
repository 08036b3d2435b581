package dev.mlbatch.plugins.stdout;

import org.opensearch.dataprepper.model.annotations.DataPrepperPlugin;
import org.opensearch.dataprepper.model.annotations.DataPrepperPluginConstructor;
import org.opensearch.dataprepper.model.configuration.PluginSetting;
import org.opensearch.dataprepper.model.event.Event;
import org.opensearch.dataprepper.model.record.Record;
import org.opensearch.dataprepper.model.sink.AbstractSink;
import org.opensearch.dataprepper.model.sink.Sink;

import java.io.PrintStream;
import java.util.Collection;

/** Prints each event as one JSON line on standard output; each output call is printed as one block. */
@DataPrepperPlugin(name = "stdout", pluginType = Sink.class)
public class StdoutSink extends AbstractSink<Record<Event>> {
    private final PrintStream out;

    @DataPrepperPluginConstructor
    public StdoutSink(final PluginSetting pluginSetting) {
        this(pluginSetting, System.out);
    }

    StdoutSink(final PluginSetting pluginSetting, final PrintStream out) {
        super(pluginSetting);
        this.out = out;
    }

    @Override
    public void doInitialize() {
    }

    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public void doOutput(final Collection<Record<Event>> records) {
        final StringBuilder lines = new StringBuilder(records.size() * 128);
        for (final Record<Event> record : records) {
            lines.append(record.getData().toJsonString()).append('\n');
        }
        final boolean printed;
        synchronized (out) {
            out.print(lines);
            out.flush();
            // PrintStream swallows I/O errors; checkError reports them (e.g. a closed pipe).
            printed = !out.checkError();
        }
        for (final Record<Event> record : records) {
            record.getData().getEventHandle().release(printed);
        }
    }
}
