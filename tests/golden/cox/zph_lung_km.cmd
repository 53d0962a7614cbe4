cox --data @DATA@/lung.csv --formula "Surv(time, status) ~ age + sex + factor(ph.ecog)" --zph km --format json
