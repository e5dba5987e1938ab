package org.vbs.core.testing;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * An executor the test drives: tasks wait until {@link #runAll()}, so a test sees the state between
 * the commit of a request and its asynchronous work, with no sleeping and no clock.
 */
public final class QueuedExecutor implements Executor {
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private boolean rejecting;

    @Override
    public synchronized void execute(Runnable task) {
        if (rejecting) {
            throw new RejectedExecutionException("the test executor is rejecting tasks");
        }
        tasks.add(task);
    }

    /** Makes every later {@link #execute} fail, as a saturated or shut-down executor does. */
    public synchronized void reject() {
        rejecting = true;
    }

    public synchronized int pending() {
        return tasks.size();
    }

    /** Runs the queued tasks (and any they queue) on the calling thread. */
    public void runAll() {
        Runnable next;
        while ((next = poll()) != null) {
            next.run();
        }
    }

    private synchronized Runnable poll() {
        return tasks.poll();
    }
}
