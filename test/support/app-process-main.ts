/** The child of startAppProcess (app-process.ts): the test app with the given overrides, until SIGTERM. */
import { startApp, testConfig } from './running-app';

async function main() {
  const app = await startApp(testConfig(JSON.parse(process.env.BAOXUE_TEST_APP_CONFIG ?? '{}')));
  console.log(`baoxue test app at ${app.apiUrl}`);
  process.once('SIGTERM', () => {
    void app.stop().finally(() => process.exit(0));
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
