km --data @TESTS@/golden/formats/lung.xpt --formula "Surv(time, status) ~ sex" --format json
