package dev.mlbatch.stack.model;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The background threads batch jobs run on; how many run at once is adjustable at run time. */
public final class JobPool implements AutoCloseable {

    private final ThreadPoolExecutor executor;

    public JobPool(int parallelism) {
        AtomicInteger n = new AtomicInteger();
        executor = new ThreadPoolExecutor(parallelism, parallelism, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "batch-job-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    public synchronized void setParallelism(int parallelism) {
        if (parallelism > executor.getMaximumPoolSize()) {
            executor.setMaximumPoolSize(parallelism);
            executor.setCorePoolSize(parallelism);
        } else {
            executor.setCorePoolSize(parallelism);
            executor.setMaximumPoolSize(parallelism);
        }
    }

    public void submit(Runnable job) {
        executor.execute(job);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
