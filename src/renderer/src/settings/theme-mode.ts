import { createContext, useContext } from 'react';
import type { ColorMode } from '../theme';

export interface ThemeModeValue {
  mode: ColorMode;
  setMode: (mode: ColorMode) => void;
}

export const ThemeModeContext = createContext<ThemeModeValue>({ mode: 'light', setMode: () => undefined });

export function useThemeMode(): ThemeModeValue {
  return useContext(ThemeModeContext);
}
