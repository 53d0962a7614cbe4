km --data @TESTS@/golden/formats/lung.sqlite --formula "Surv(time, status) ~ sex" --format json
