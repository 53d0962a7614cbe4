km --data @DATA@/veteran.csv --formula "Surv(time, status) ~ trt + strata(celltype)" --format json
