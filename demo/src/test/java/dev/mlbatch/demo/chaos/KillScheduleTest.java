package dev.mlbatch.demo.chaos;

import org.junit.jupiter.api.Test;

import java.util.DoubleSummaryStatistics;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KillScheduleTest {

    @Test
    void the_same_seed_gives_the_same_plan() {
        assertEquals(KillSchedule.draw(42), KillSchedule.draw(42));
    }

    @Test
    void every_target_is_killed_once_in_the_order_its_point_falls() {
        final KillSchedule plan = KillSchedule.draw(7);
        assertEquals(4, plan.kills().size());
        assertEquals(4, plan.kills().stream().map(KillSchedule.Kill::target).distinct().count());
        for (int i = 1; i < plan.kills().size(); i++) {
            assertTrue(plan.kills().get(i - 1).seconds() <= plan.kills().get(i).seconds(), plan.describe());
        }
        assertTrue(plan.stage1Seconds() >= 1.0 && plan.stage1Seconds() <= 7.0, plan.describe());
    }

    @Test
    void consecutive_seeds_spread_their_points_over_the_whole_range() {
        // A benchmark's runs use seed, seed + 1, ...: their kill points must differ, not cluster at one instant.
        final DoubleSummaryStatistics stage1 = LongStream.range(15, 35)
                .mapToDouble(seed -> KillSchedule.draw(seed).stage1Seconds()).summaryStatistics();
        assertTrue(stage1.getMax() - stage1.getMin() > 3.0,
                "stage-1 kill points of seeds 15..34 lie within " + (stage1.getMax() - stage1.getMin()) + " s");
    }
}
