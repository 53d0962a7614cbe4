km --data @DATA@/veteran.csv --formula "Surv(time, status) ~ strata(celltype)" --format json
