#include "forecast.h"

#include "err.h"
#include "money.h"

int forecast_dry(int64_t remaining, const int64_t *draw, size_t n,
                 int32_t today, int32_t last_day, struct forecast *out)
{
	int64_t sum = 0, days;
	__int128 need;
	size_t i;
	int rc;

	if (n == 0 || draw == NULL || out == NULL)
		return VD_EINVAL;
	for (i = 0; i < n; i++)
		if ((rc = money_add(sum, draw[i], &sum)) < 0)
			return rc;
	out->day = 0;
	out->pace = sum > 0 ? sum / (int64_t)n : 0;
	if (remaining <= 0) {
		out->kind = FORECAST_DRY;
		return 0;
	}
	if (sum <= 0) {
		out->kind = FORECAST_NO_PACE;
		return 0;
	}
	/* at sum/n a day: ceil(remaining / (sum / n)) days, exactly */
	need = ((__int128)remaining * (__int128)n + sum - 1) / sum;
	if (need > (__int128)last_day - today || today >= last_day) {
		out->kind = FORECAST_NOT_THIS;
		return 0;
	}
	days = (int64_t)need;
	out->kind = FORECAST_ON;
	out->day = today + (int32_t)days;
	return 0;
}
