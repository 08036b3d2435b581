package dev.mlbatch.bench.scan;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.atomic.AtomicLong;

/** Samples the heap in use every 50 ms on a daemon thread and keeps the largest value seen. */
final class HeapSampler {
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final AtomicLong maxUsed = new AtomicLong();
    private final Thread thread;

    private HeapSampler() {
        thread = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                maxUsed.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(50);
                } catch (final InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        thread.setDaemon(true);
    }

    static HeapSampler start() {
        final HeapSampler sampler = new HeapSampler();
        sampler.thread.start();
        return sampler;
    }

    void stop() {
        thread.interrupt();
    }

    long maxUsedMb() {
        return maxUsed.get() >> 20;
    }
}
