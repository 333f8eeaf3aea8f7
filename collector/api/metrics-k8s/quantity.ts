/**
 * Resource quantities as metrics-server writes them: CPU in nanocores
 * ("123456789n"), memory in kibibytes ("123456Ki"), both integers.
 */
export function cpuQuantity(cores: number): string {
  return `${Math.max(0, Math.round(cores * 1e9))}n`;
}

export function memoryQuantity(bytes: number): string {
  return `${Math.max(0, Math.round(bytes / 1024))}Ki`;
}
