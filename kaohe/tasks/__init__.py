"""Task decomposition (任务分解), section task results and the monthly reconciliation (月对账).

docs/tasks.md: a unit's head decomposes the plan into section tasks (kaohe.collection.Task) with
monthly milestones, and into post tasks of each month; section chiefs enter the tasks' monthly
results (kaohe.collection.IndicatorResult); cadres report on their post tasks and their rater
rates the month (kaohe.collection.MonthlyRecord.level and rater_code).
"""
