// Shaped like Temporal's hello-world sample (samples-typescript/hello-world/src/activities.ts).
export async function greet(name: string): Promise<string> {
  return `Hello, ${name}!`;
}
