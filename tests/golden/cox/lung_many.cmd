cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + sex + ph.ecog + ph.karno + pat.karno + meal.cal + wt.loss" --format json
