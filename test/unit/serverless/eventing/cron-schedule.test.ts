import { cronScheduleProblem, scheduleTimeZone } from '../../../../lib/serverless/eventing/cron-schedule';

describe('cron schedules Knative accepts', () => {
  test.each([
    '* * * * *',
    '*/5 * * * *',
    '*/1 * * * *',
    '5/15 * * * *',
    '0 9 * * mon-fri',
    '0 9 * * MON-Fri',
    '15,45 8-18/2 * * *',
    '0 0 1 jan *',
    '0 0 1 JAN-mar/2 *',
    '0 0 1 1,4,7,10 *',
    '0 0 ? * sun',
    '? ? ? ? ?',
    '0 0 29 2 *',
    '0 0 31 1-12 *',
    '0 0 30 2 1',
    '59 23 31 12 6',
    '0 0 * * 0-6',
    '007 +5 * * *',
    '  5 4 * * *  ',
    '0\t0 *  * *',
    '0\u00a00 * * *',
    '@yearly',
    '@annually',
    '@monthly',
    '@weekly',
    '@daily',
    '@midnight',
    '@hourly',
    'CRON_TZ=Europe/Berlin 0 3 * * *',
    'CRON_TZ=UTC   5 * * * *',
    'TZ=America/New_York @daily',
  ])('%p', (schedule) => {
    expect(cronScheduleProblem(schedule)).toBeUndefined();
  });
});

describe('cron schedules Knative refuses', () => {
  test.each([
    ['', 'is empty'],
    ['   ', 'has 0 fields, and Knative reads exactly 5 (minute hour day-of-month month day-of-week)'],
    ['* * * *', 'has 4 fields, and Knative reads exactly 5 (minute hour day-of-month month day-of-week)'],
    ['0 * * * * *', 'has 6 fields, and Knative reads exactly 5 (minute hour day-of-month month day-of-week)'],
    [' @daily', 'has 1 field, and Knative reads exactly 5 (minute hour day-of-month month day-of-week)'],
    ['60 * * * *', "has minute '60': 60 is above the maximum 59"],
    ['0 24 * * *', "has hour '24': 24 is above the maximum 23"],
    ['0 0 0 * *', "has day-of-month '0': 0 is below the minimum 1"],
    ['0 0 * 13 *', "has month '13': 13 is above the maximum 12"],
    ['0 0 * 0 *', "has month '0': 0 is below the minimum 1"],
    ['0 0 * * 7', "has day-of-week '7': 7 is above the maximum 6 (Sunday is 0 or sun)"],
    ['0 0 * * 1-7', "has day-of-week '1-7': 7 is above the maximum 6 (Sunday is 0 or sun)"],
    ['0 0 * foo *', "has month 'foo': 'foo' is not a whole number or a name (jan-dec)"],
    ['0 0 * * funday', "has day-of-week 'funday': 'funday' is not a whole number or a name (sun-sat)"],
    ['0 0 * * jan', "has day-of-week 'jan': 'jan' is not a whole number or a name (sun-sat)"],
    ['0 mon * * *', "has hour 'mon': 'mon' is not a whole number"],
    ['x * * * *', "has minute 'x': 'x' is not a whole number"],
    ['99999999999999999999 * * * *', "has minute '99999999999999999999': 99999999999999999999 is above the maximum 59"],
    ['5-2 * * * *', "has minute '5-2': the range '5-2' runs backwards (5 is after 2)"],
    ['0 0 * dec-jan *', "has month 'dec-jan': the range 'dec-jan' runs backwards (12 is after 1)"],
    ['5- * * * *', "has minute '5-': '' is not a whole number"],
    ['*/0 * * * *', "has minute '*/0': the step is 0; a step must be 1 or more"],
    ['*/x * * * *', "has minute '*/x': the step 'x' is not a whole number"],
    ['*/-1 * * * *', "has minute '*/-1': the step -1 is negative"],
    ['1-2-3 * * * *', "has minute '1-2-3': '1-2-3' has more than one '-'"],
    ['1/2/3 * * * *', "has minute '1/2/3': '1/2/3' has more than one '/'"],
    ['1,,2 * * * *', "has minute '1,,2': a list item is empty"],
    ['0 0 , * *', "has day-of-month ',': a list item is empty"],
    ['*-5 * * * *', "has minute '*-5': '*-5' puts a range after '*', which Knative ignores (it reads '*'); write '*' or a range"],
    ['@every 1h', "uses '@every', which Knative's PingSource refuses"],
    ['CRON_TZ=UTC @every 5m', "uses '@every', which Knative's PingSource refuses"],
    ['@reboot', "uses '@reboot', which is not a descriptor Knative accepts (@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)"],
    ['@daily ', "uses '@daily ', which is not a descriptor Knative accepts (@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)"],
    ['@Daily', "uses '@Daily', which is not a descriptor Knative accepts (@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)"],
    ['CRON_TZ=UTC', "names time zone 'UTC' but no schedule after it (a space must follow the zone)"],
    ['CRON_TZ=Mars/Phobos 0 0 * * *', "names time zone 'Mars/Phobos', which is not an IANA time zone name; use one such as 'Europe/Berlin', 'America/New_York' or 'UTC'"],
    ['TZ=europe/berlin 0 0 * * *', "names time zone 'europe/berlin', which must be written 'Europe/Berlin' (time zone names are case-sensitive)"],
    ['CRON_TZ=UTC\t5 * * * *', "names time zone 'UTC\t5', which is not an IANA time zone name; use one such as 'Europe/Berlin', 'America/New_York' or 'UTC'"],
    ['CRON_TZ= 0 0 * * *', "names time zone '', which is not an IANA time zone name; use one such as 'Europe/Berlin', 'America/New_York' or 'UTC'"],
    ['CRON_TZ=Local 0 0 * * *', "names time zone 'Local', which means the zone of the pod that runs the schedule, which the stack does not control; name the zone, e.g. 'UTC' or 'Europe/Berlin'"],
    ['0 0 30 2 *', "never fires: day-of-month '30' does not occur in month '2'"],
    ['0 0 31 4,6,9,11 *', "never fires: day-of-month '31' does not occur in month '4,6,9,11'"],
    ['0 0 30-31 feb ?', "never fires: day-of-month '30-31' does not occur in month 'feb'"],
  ])('%p %s', (schedule, problem) => {
    expect(cronScheduleProblem(schedule)).toBe(problem);
  });
});

describe('the time zone a schedule names', () => {
  test.each([
    ['CRON_TZ=Europe/Berlin 0 3 * * *', 'Europe/Berlin'],
    ['TZ=UTC @daily', 'UTC'],
    ['CRON_TZ=UTC', 'UTC'],
    ['0 3 * * *', undefined],
    [' CRON_TZ=UTC 0 3 * * *', undefined],
  ])('%p names %p', (schedule, zone) => {
    expect(scheduleTimeZone(schedule)).toBe(zone);
  });
});
